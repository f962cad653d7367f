namespace NativeContrast.Kernels;

/// <summary>
/// C[b] = Alpha·op(A[b])·op(B[b]) + Beta·C[b], row-major. op(A) is M×K, op(B) is K×N.
/// A batch stride of 0 shares a matrix across the batch.
/// </summary>
public struct GemmShape
{
    public int M, N, K;
    public int Lda, Ldb, Ldc;
    public int BatchStrideA, BatchStrideB, BatchStrideC;
    public int TransposeA, TransposeB;
    public float Alpha, Beta;
}
