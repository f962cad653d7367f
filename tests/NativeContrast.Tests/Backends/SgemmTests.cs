using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Backends;

/// <summary>The packed SGEMM against a float64 triple loop, on sizes that hit every edge of the 6×16 micro-tile and the K slicing.</summary>
public class SgemmTests
{
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
