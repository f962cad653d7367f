using System.Diagnostics;
using NativeContrast.Backends;
using NativeContrast.Kernels;

namespace NativeContrast.Benchmarks;

/// <summary>Development timing of the fused NT-Xent's parts (forward statistics, backward gradient); not a recorded benchmark.</summary>
internal static class QuickParts
{
    public static void Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0]) : 4096, d = args.Length > 1 ? int.Parse(args[1]) : 128;
        var rng = new Random(1);
        var z = new float[n * d];
        for (int i = 0; i < n; i++)
        {
            double norm = 0;
            for (int k = 0; k < d; k++) { z[i * d + k] = (float)(rng.NextDouble() - 0.5); norm += z[i * d + k] * z[i * d + k]; }
            for (int k = 0; k < d; k++) z[i * d + k] /= (float)Math.Sqrt(norm);
        }
        var keys = Enumerable.Range(0, n).Select(i => (i + n / 2) % n).ToArray();
        var ones = Enumerable.Repeat(1f, n).ToArray();
        var coef = Enumerable.Repeat(1f / n, n).ToArray();
        var lse = new float[n];
        var pos = new float[n];
        var grad = new float[n * d];
        var shape = new ContrastiveShape { RowsA = n, RowsB = n, Dim = d, ExcludeDiagonal = 1, HasRowTerm = 1, HasColumnTerm = 1 };
        Time("forward", () => CpuContrastive.RowStats(z, 0, z, 0, keys, keys, ones, lse, 0, pos, 0, null, shape, 10.0));
        var side = new SoftmaxSide<int[], float[]>(keys, ones, lse, pos, coef);
        Time("backward", () => CpuContrastive.Gradient(z, 0, z, 0, keys, keys, side, side, grad, 0, shape, 10.0));
        Time("tiles gemm only (192x256)", () => CpuParallel.For((n + 191) / 192, 1L << 30, (b0, b1) =>
        {
            var tile = new float[192 * 256];
            for (int blk = b0; blk < b1; blk++)
            {
                int rows = Math.Min(192, n - blk * 192);
                for (int j0 = 0; j0 < n; j0 += 256)
                    PackedSgemm.Serial(z, blk * 192 * d, z, j0 * d, tile, 0, new GemmShape { M = rows, N = Math.Min(256, n - j0), K = d, Lda = d, Ldb = d, Ldc = Math.Min(256, n - j0), TransposeB = 1, Alpha = 1, Beta = 0 });
            }
        }));
        var c = new float[n * n];
        Time("sgemm z·zᵀ (n×n×d)", () => PackedSgemm.Batched(z, 0, z, 0, c, 0, new GemmShape { M = n, N = n, K = d, Lda = d, Ldb = d, Ldc = n, TransposeB = 1, Alpha = 1, Beta = 0 }, 1));
    }

    private static void Time(string what, Action action)
    {
        action();
        var times = new List<double>();
        for (int r = 0; r < 7; r++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine($"{what}: median {times[3]:F1} ms, min {times[0]:F1} ms");
    }
}
