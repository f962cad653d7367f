using System.Numerics;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>
/// Plain-loop GEMM for float64 (gradient checks) and as the readable reference the packed SGEMM is
/// tested against. C = α·op(A)·op(B) + β·C, row-major, i-k-j loop order so the inner loop is contiguous
/// in B and C when B is not transposed.
/// </summary>
internal static class ReferenceGemm
{
    public static void Batched<T>(T[] a, int offsetA, T[] b, int offsetB, T[] c, int offsetC, GemmShape s, int batch)
        where T : unmanaged, INumber<T>
    {
        T alpha = T.CreateChecked(s.Alpha), beta = T.CreateChecked(s.Beta);
        CpuParallel.For(batch * s.M, (long)s.N * s.K, (start, end) =>
        {
            for (int t = start; t < end; t++)
            {
                int bi = t / s.M, i = t - bi * s.M;
                int baseA = offsetA + bi * s.BatchStrideA, baseB = offsetB + bi * s.BatchStrideB;
                int rowC = offsetC + bi * s.BatchStrideC + i * s.Ldc;
                var acc = new T[s.N];
                for (int p = 0; p < s.K; p++)
                {
                    T aip = s.TransposeA != 0 ? a[baseA + p * s.Lda + i] : a[baseA + i * s.Lda + p];
                    if (s.TransposeB != 0)
                        for (int j = 0; j < s.N; j++) acc[j] += aip * b[baseB + j * s.Ldb + p];
                    else
                        for (int j = 0; j < s.N; j++) acc[j] += aip * b[baseB + p * s.Ldb + j];
                }
                for (int j = 0; j < s.N; j++)
                    c[rowC + j] = s.Beta == 0f ? alpha * acc[j] : alpha * acc[j] + beta * c[rowC + j];
            }
        });
    }

    /// <summary>One product on the calling thread, α given in full precision (float64 gradient checks).</summary>
    public static void Serial<T>(T[] a, int offsetA, T[] b, int offsetB, T[] c, int offsetC, GemmShape s, double alphaValue)
        where T : unmanaged, INumber<T>
    {
        T alpha = T.CreateChecked(alphaValue), beta = T.CreateChecked(s.Beta);
        var acc = new T[s.N];
        for (int i = 0; i < s.M; i++)
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
            for (int j = 0; j < s.N; j++)
                c[row + j] = s.Beta == 0f ? alpha * acc[j] : alpha * acc[j] + beta * c[row + j];
        }
    }
}
