using System.Numerics;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>
/// Plain-loop GEMM for float64 (gradient checks) and the fallback where AVX2/FMA is missing.
/// C = α·op(A)·op(B) + β·C, row-major, i-k-j loop order so the inner loop is contiguous in B and C
/// when B is not transposed.
/// </summary>
internal static class ReferenceGemm
{
    public static void Batched<T>(T[] a, int offsetA, T[] b, int offsetB, T[] c, int offsetC, GemmShape s, int batch)
        where T : unmanaged, INumber<T>
    {
        T alpha = T.CreateChecked(s.Alpha);
        CpuParallel.For(batch * s.M, (long)s.N * s.K, (start, end) =>
        {
            var acc = new T[s.N];
            for (int t = start; t < end; t++)
            {
                int bi = t / s.M;
                Row(a, offsetA + bi * s.BatchStrideA, b, offsetB + bi * s.BatchStrideB, c, offsetC + bi * s.BatchStrideC, s, t - bi * s.M, alpha, acc);
            }
        });
    }

    /// <summary>One product on the calling thread, α given in full precision (float64 gradient checks).</summary>
    public static void Serial<T>(T[] a, int offsetA, T[] b, int offsetB, T[] c, int offsetC, GemmShape s, double alpha)
        where T : unmanaged, INumber<T>
    {
        var acc = new T[s.N];
        for (int i = 0; i < s.M; i++) Row(a, offsetA, b, offsetB, c, offsetC, s, i, T.CreateChecked(alpha), acc);
    }

    private static void Row<T>(T[] a, int offsetA, T[] b, int offsetB, T[] c, int offsetC, GemmShape s, int i, T alpha, T[] acc)
        where T : unmanaged, INumber<T>
    {
        System.Array.Clear(acc);
        for (int p = 0; p < s.K; p++)
        {
            T aip = s.TransposeA != 0 ? a[offsetA + p * s.Lda + i] : a[offsetA + i * s.Lda + p];
            if (s.TransposeB != 0)
                for (int j = 0; j < s.N; j++) acc[j] += aip * b[offsetB + j * s.Ldb + p];
            else
                for (int j = 0; j < s.N; j++) acc[j] += aip * b[offsetB + p * s.Ldb + j];
        }
        int row = offsetC + i * s.Ldc;
        T beta = T.CreateChecked(s.Beta);
        for (int j = 0; j < s.N; j++)
            c[row + j] = s.Beta == 0f ? alpha * acc[j] : alpha * acc[j] + beta * c[row + j];
    }
}
