using System.Diagnostics;
using NativeContrast;

namespace NativeContrast.Benchmarks;

/// <summary>Stopwatch timing for development only; docs/PERFORMANCE.md takes its figures from BenchmarkDotNet.</summary>
internal static class QuickTimer
{
    public static void Run(string[] args)
    {
        int m = args.Length > 1 ? int.Parse(args[1]) : 1024;
        int n = args.Length > 2 ? int.Parse(args[2]) : m;
        int k = args.Length > 3 ? int.Parse(args[3]) : m;
        using var a = Tensor.RandomNormal([m, k], 1);
        using var b = Tensor.RandomNormal([k, n], 2);
        var times = new List<double>();
        for (int rep = 0; rep < 20; rep++)
        {
            var sw = Stopwatch.StartNew();
            using var c = Tensor.Matmul(a, b);
            times.Add(sw.Elapsed.TotalSeconds);
        }
        Console.WriteLine(string.Join(" ", times.Select(t => (t * 1e3).ToString("F1"))));
        times.Sort();
        double median = times[times.Count / 2];
        Console.WriteLine($"sgemm {m}x{n}x{k}: median {median * 1e3:F2} ms, min {times[0] * 1e3:F2} ms, {2.0 * m * n * k / median / 1e9:F1} GFLOP/s (median), {2.0 * m * n * k / times[0] / 1e9:F1} (best)");
    }
}
