namespace NativeContrast.Kernels;

/// <summary>
/// C[b] = Alpha·op(A[b])·op(B[b]) + Beta·C[b], row-major. op(A) is M×K, op(B) is K×N.
/// A batch stride of 0 shares a matrix across the batch.
/// </summary>
public struct GemmShape
{
    /// <summary>C is M×N; the reduced dimension is K.</summary>
    public int M, N, K;
    /// <summary>Leading dimensions (row strides) of A, B and C.</summary>
    public int Lda, Ldb, Ldc;
    /// <summary>Elements between consecutive matrices of a batch, for A, B and C.</summary>
    public int BatchStrideA, BatchStrideB, BatchStrideC;
    /// <summary>1 when A (B) is read transposed.</summary>
    public int TransposeA, TransposeB;
    /// <summary>C ← α·op(A)·op(B) + β·C.</summary>
    public float Alpha, Beta;
}
