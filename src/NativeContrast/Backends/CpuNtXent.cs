using System.Numerics;
using System.Runtime.Intrinsics;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>
/// Fused NT-Xent on the CPU, never materializing the N×N similarity matrix.
/// Shape legend: N = rows (2 × batch), D = embedding dim, τ = temperature, p(i) = positive of row i.
/// Forward: row blocks of RB rows in parallel; each streams column tiles of CB columns:
///   S tile = Z_I·Z_Jᵀ/τ (packed SGEMM), then an online log-sum-exp per row (running max and rescaled
///   sum), diagonal excluded. Saves LSE (N values).
/// Backward: the same tiles recomputed; W_ij = P_ij + P_ji − [j = p(i)] − [i = p(j)] with
///   P_ij = exp(S_ij − LSE_i); dZ_I += W_IJ·Z_J. Each row block owns its rows of dZ: no atomics.
/// Memory: one RB×CB tile per thread, O(N) statistics.
/// </summary>
internal static class CpuNtXent
{
    private const int RowBlock = 192;
    private const int ColumnBlock = 256;

    /// <summary>lse[i] = ln Σ_{j≠i} exp(z_i·z_j/τ); rowLoss[i] = lse[i] − z_i·z_p(i)/τ.</summary>
    public static void Forward<T>(T[] z, int zOffset, int[] positives, T[] lse, int lseOffset, T[] rowLoss, int rowLossOffset, int n, int d, double invTau)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int blocks = (n + RowBlock - 1) / RowBlock;
        T scale = T.CreateChecked(invTau);
        CpuParallel.For(blocks, (long)RowBlock * n * d, (startBlock, endBlock) =>
        {
            var tile = new T[RowBlock * ColumnBlock];
            var max = new T[RowBlock];
            var sum = new T[RowBlock];
            for (int blk = startBlock; blk < endBlock; blk++)
            {
                int i0 = blk * RowBlock, rows = Math.Min(RowBlock, n - i0);
                max.AsSpan().Fill(T.NegativeInfinity);
                sum.AsSpan().Clear();
                for (int j0 = 0; j0 < n; j0 += ColumnBlock)
                {
                    int cols = Math.Min(ColumnBlock, n - j0);
                    SimilarityTile(z, zOffset, i0, rows, j0, cols, d, invTau, tile);
                    for (int r = 0; r < rows; r++)
                    {
                        var row = tile.AsSpan(r * cols, cols);
                        int diagonal = i0 + r - j0;
                        if (diagonal >= 0 && diagonal < cols) row[diagonal] = T.NegativeInfinity;
                        T tileMax = RowMax(row);
                        if (T.IsNegativeInfinity(tileMax)) continue;
                        T newMax = T.Max(max[r], tileMax);
                        sum[r] = sum[r] * T.Exp(max[r] - newMax) + SumExp(row, newMax);
                        max[r] = newMax;
                    }
                }
                for (int r = 0; r < rows; r++)
                {
                    int i = i0 + r;
                    T l = max[r] + T.Log(sum[r]);
                    lse[lseOffset + i] = l;
                    rowLoss[rowLossOffset + i] = l - CpuBackend.Dot<T>(z.AsSpan(zOffset + i * d, d), z.AsSpan(zOffset + positives[i] * d, d)) * scale;
                }
            }
        });
    }

    /// <summary>dz = (gScale/τ)·W·Z with W as in the class summary; gScale = upstream gradient / N.</summary>
    public static void Backward<T>(T[] z, int zOffset, int[] positives, T[] lse, int lseOffset, T[] dz, int dzOffset, int n, int d, double invTau, T gScale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int blocks = (n + RowBlock - 1) / RowBlock;
        T outScale = gScale * T.CreateChecked(invTau);
        CpuParallel.For(blocks, (long)RowBlock * n * d * 2, (startBlock, endBlock) =>
        {
            var tile = new T[RowBlock * ColumnBlock];
            for (int blk = startBlock; blk < endBlock; blk++)
            {
                int i0 = blk * RowBlock, rows = Math.Min(RowBlock, n - i0);
                dz.AsSpan(dzOffset + i0 * d, rows * d).Clear();
                for (int j0 = 0; j0 < n; j0 += ColumnBlock)
                {
                    int cols = Math.Min(ColumnBlock, n - j0);
                    SimilarityTile(z, zOffset, i0, rows, j0, cols, d, invTau, tile);
                    for (int r = 0; r < rows; r++)
                    {
                        int i = i0 + r;
                        var row = tile.AsSpan(r * cols, cols);
                        WeightRow(row, lse[lseOffset + i], lse.AsSpan(lseOffset + j0, cols));
                        int diagonal = i - j0;
                        if (diagonal >= 0 && diagonal < cols) row[diagonal] = T.Zero;
                        int p = positives[i] - j0;
                        if (p >= 0 && p < cols) row[p] -= T.One;
                    }
                    // [i = p(j)]: column j of this tile whose positive is a row of this block.
                    for (int c = 0; c < cols; c++)
                    {
                        int r = positives[j0 + c] - i0;
                        if (r >= 0 && r < rows) tile[r * cols + c] -= T.One;
                    }
                    Gemm(tile, 0, z, zOffset + j0 * d, dz, dzOffset + i0 * d, new GemmShape
                    {
                        M = rows, N = d, K = cols, Lda = cols, Ldb = d, Ldc = d,
                        Beta = 1f,
                    }, 1.0);
                }
                var block = dz.AsSpan(dzOffset + i0 * d, rows * d);
                for (int t = 0; t < block.Length; t++) block[t] *= outScale;
            }
        });
    }

    /// <summary>tile[r, c] = z_{i0+r}·z_{j0+c}/τ.</summary>
    private static void SimilarityTile<T>(T[] z, int zOffset, int i0, int rows, int j0, int cols, int d, double invTau, T[] tile)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Gemm(z, zOffset + i0 * d, z, zOffset + j0 * d, tile, 0, new GemmShape
        {
            M = rows, N = cols, K = d, Lda = d, Ldb = d, Ldc = cols,
            TransposeB = 1, Beta = 0f,
        }, invTau);
    }

    /// <summary>Packed SGEMM for float32; the plain loop with α in full precision for float64.</summary>
    private static void Gemm<T>(T[] a, int offsetA, T[] b, int offsetB, T[] c, int offsetC, GemmShape s, double alpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            s.Alpha = (float)alpha;
            PackedSgemm.Serial((float[])(object)a, offsetA, (float[])(object)b, offsetB, (float[])(object)c, offsetC, s);
        }
        else
        {
            ReferenceGemm.Serial(a, offsetA, b, offsetB, c, offsetC, s, alpha);
        }
    }

    /// <summary>max of the row (NaN is ruled out by the loss's input check), vectorized for float32.</summary>
    private static T RowMax<T>(Span<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var f = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(row);
            var acc = Vector256.Create(float.NegativeInfinity);
            int j = 0;
            for (; j <= f.Length - 8; j += 8) acc = Vector256.Max(acc, Vector256.Create<float>(f.Slice(j, 8)));
            float m = float.NegativeInfinity;
            for (int k = 0; k < 8; k++) m = MathF.Max(m, acc[k]);
            for (; j < f.Length; j++) m = MathF.Max(m, f[j]);
            return T.CreateChecked(m);
        }
        T max = T.NegativeInfinity;
        foreach (var v in row) max = T.Max(max, v);
        return max;
    }

    /// <summary>Σ exp(v − max), vectorized for float32.</summary>
    private static T SumExp<T>(Span<T> row, T max) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var f = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(row);
            float m = float.CreateChecked(max);
            var acc = Vector256<float>.Zero;
            var vm = Vector256.Create(m);
            int j = 0;
            for (; j <= f.Length - 8; j += 8) acc += Vector256.Exp(Vector256.Create<float>(f.Slice(j, 8)) - vm);
            float s = Vector256.Sum(acc);
            for (; j < f.Length; j++) s += MathF.Exp(f[j] - m);
            return T.CreateChecked(s);
        }
        T total = T.Zero;
        foreach (var v in row) total += T.Exp(v - max);
        return total;
    }

    /// <summary>row[c] ← exp(S − lse_i) + exp(S − lse_j[c]), vectorized for float32.</summary>
    private static void WeightRow<T>(Span<T> row, T lseI, ReadOnlySpan<T> lseJ) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var f = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(row);
            var l = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(lseJ);
            float li = float.CreateChecked(lseI);
            var vli = Vector256.Create(li);
            int j = 0;
            for (; j <= f.Length - 8; j += 8)
            {
                var s = Vector256.Create<float>(f.Slice(j, 8));
                (Vector256.Exp(s - vli) + Vector256.Exp(s - Vector256.Create<float>(l.Slice(j, 8)))).CopyTo(f.Slice(j, 8));
            }
            for (; j < f.Length; j++) f[j] = MathF.Exp(f[j] - li) + MathF.Exp(f[j] - l[j]);
            return;
        }
        for (int c = 0; c < row.Length; c++) row[c] = T.Exp(row[c] - lseI) + T.Exp(row[c] - lseJ[c]);
    }
}
