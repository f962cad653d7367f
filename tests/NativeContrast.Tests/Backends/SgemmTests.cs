using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Backends;

/// <summary>
/// The packed SGEMM against a float64 triple loop, on sizes that hit every edge of the 6×16 (AVX2) and 12×32 (AVX-512)
/// micro-tiles and the K slicing; each case runs with the AVX2 kernel and, where the CPU has AVX-512F, with the wide one.
/// </summary>
[NonParallelizable]
public class SgemmTests
{
    private static IEnumerable<bool> Kernels() => System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? [false, true] : [false];

    [Test]
    public void EveryCase_WithEachKernel([ValueSource(nameof(Kernels))] bool avx512)
    {
        bool before = NativeContrast.Backends.PackedSgemm.UseAvx512;
        try
        {
            NativeContrast.Backends.PackedSgemm.UseAvx512 = avx512;
            foreach (var (m, n, k, ta, tb) in new[] { (1, 1, 1, false, false), (12, 32, 256, false, false), (13, 33, 257, false, true),
                (25, 70, 300, true, false), (97, 130, 513, true, true), (200, 300, 64, false, false), (6, 16, 256, false, false), (37, 95, 40, false, false) })
                PackedSgemm_MatchesFloat64Reference(m, n, k, ta, tb);
            PackedSgemm_BatchedLargerThanThreadCount_MatchesPerBatchProducts();
            using var big = Tensor.RandomNormal([300, 200], 5);
            using var other = Tensor.RandomNormal([200, 700], 6);
            using var product = Tensor.Matmul(big, other);
            NativeContrast.Backends.PackedSgemm.UseAvx512 = !avx512;
            using var again = Tensor.Matmul(big, other);
            // The same FMA sequence per element (k in order, the same K slices): the kernels agree to the bit, so a
            // model trains the same on a CPU with AVX-512 as on one without.
            Assert.That(again.ToFloatArray(), Is.EqualTo(product.ToFloatArray()), "the two kernels agree to the bit on a threaded product");
        }
        finally
        {
            NativeContrast.Backends.PackedSgemm.UseAvx512 = before;
        }
    }

    [TestCase(1, 1, 1, false, false)]
    [TestCase(7, 17, 5, false, false)]
    [TestCase(13, 33, 300, false, true)]
    [TestCase(100, 37, 260, true, false)]
    [TestCase(97, 130, 513, true, true)]
    [TestCase(200, 300, 64, false, false)]
    [TestCase(6, 16, 256, false, false)]
    public void PackedSgemm_MatchesFloat64Reference(int m, int n, int k, bool transposeA, bool transposeB)
    {
        var a = Tensor.RandomNormal(transposeA ? [k, m] : [m, k], 11);
        var b = Tensor.RandomNormal(transposeB ? [n, k] : [k, n], 12);
        var av = a.ToDoubleArray();
        var bv = b.ToDoubleArray();
        var expected = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (transposeA ? av[p * m + i] : av[i * k + p]) * (transposeB ? bv[j * k + p] : bv[p * n + j]);
                expected[i * n + j] = s;
            }
        using var c = Tensor.Matmul(a, b, transposeA, transposeB);
        Close.Assert(c.ToDoubleArray(), expected, atol: 1e-4 * Math.Sqrt(k), rtol: 1e-4, $"sgemm {m}x{n}x{k}");
        a.Dispose();
        b.Dispose();
    }

    [Test]
    public void PackedSgemm_BatchedLargerThanThreadCount_MatchesPerBatchProducts()
    {
        using var scope = TensorScope.Begin();
        var a = Tensor.RandomNormal([5, 40, 30], 3);
        var b = Tensor.RandomNormal([5, 30, 50], 4);
        var c = Tensor.Matmul(a, b);
        for (int i = 0; i < 5; i++)
        {
            var single = Tensor.Matmul(a.Rows(i, 1).Reshape(40, 30), b.Rows(i, 1).Reshape(30, 50));
            Close.Assert(c.Rows(i, 1).Reshape(40, 50).ToFloatArray(), single.ToFloatArray(), 1e-5, 1e-5, $"batch {i}");
        }
    }
}
