using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// Batched SGEMM. Shape legend: M×K times K×N, batch along the grid's Z.
/// Variants:
///   1. Tiled: 16×16 thread group, 16×16 tiles of A and B staged in shared memory, one output
///      per thread. Transposes are handled by the tile loads. (Reference GPU path; the fast
///      register-blocked and tensor-core variants belong to the GPU-performance work.)
/// </summary>
public static class MatmulKernels
{
    /// <summary>The side of a shared-memory tile.</summary>
    public const int Tile = 16;

    /// <summary>C ← α·op(A)·op(B) + β·C for one 16×16 tile of C per group, through shared memory.</summary>
    public static void Tiled(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s)
    {
        var tileA = SharedMemory.Allocate<float>(Tile * Tile);
        var tileB = SharedMemory.Allocate<float>(Tile * Tile);
        int tx = Group.IdxX, ty = Group.IdxY;
        int col = Grid.IdxX * Tile + tx;
        int row = Grid.IdxY * Tile + ty;
        int batch = Grid.IdxZ;
        int baseA = batch * s.BatchStrideA, baseB = batch * s.BatchStrideB, baseC = batch * s.BatchStrideC;
        float acc = 0f;
        for (int k0 = 0; k0 < s.K; k0 += Tile)
        {
            // tileA[ty][tx] = op(A)[row, k0 + tx]; tileB[ty][tx] = op(B)[k0 + ty, col]
            int ka = k0 + tx;
            float va = 0f;
            if (row < s.M && ka < s.K)
                va = s.TransposeA != 0 ? a[baseA + ka * s.Lda + row] : a[baseA + row * s.Lda + ka];
            tileA[ty * Tile + tx] = va;
            int kb = k0 + ty;
            float vb = 0f;
            if (col < s.N && kb < s.K)
                vb = s.TransposeB != 0 ? b[baseB + col * s.Ldb + kb] : b[baseB + kb * s.Ldb + col];
            tileB[ty * Tile + tx] = vb;
            Group.Barrier();
            for (int k = 0; k < Tile; k++) acc += tileA[ty * Tile + k] * tileB[k * Tile + tx];
            Group.Barrier();
        }
        if (row < s.M && col < s.N)
        {
            int ci = baseC + row * s.Ldc + col;
            c[ci] = s.Beta == 0f ? s.Alpha * acc : s.Alpha * acc + s.Beta * c[ci];
        }
    }
}
