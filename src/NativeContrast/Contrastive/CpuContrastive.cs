using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>
/// Fused softmax-contrastive passes on the CPU (NT-Xent, InfoNCE/MoCo, CLIP, SupCon), never
/// materializing the similarity matrix. Shape legend: A = anchors [RowsA, D], B = candidates
/// [RowsB, D], S_ab = a·b/τ, P(a) = positives of a (one index, or every candidate with a's label),
/// w_a = 1/|P(a)|.
/// Forward (<see cref="RowStats{T}"/>): row blocks of RB anchors in parallel; each streams candidate
///   tiles of CB columns: S tile = A_I·B_Jᵀ/τ (packed SGEMM), then an online log-sum-exp per row
///   (running max and rescaled sum) and the positives' logit sum. Saves lse and the positive logit.
/// Backward (<see cref="Gradient{T}"/>): the same tiles recomputed, turned into the weights W (see
///   <see cref="ContrastiveKernels.GradientNaive"/>) and dA_I += W_IJ·B_J. Each row block owns its rows
///   of dA: no atomics. Memory: one RB×CB tile per thread, O(N) statistics.
/// </summary>
internal static class CpuContrastive
{
    private const int RowBlock = 192;
    private const int ColumnBlock = 256;

    public static void RowStats<T>(T[] a, int aOffset, T[] b, int bOffset, int[] keyA, int[] keyB, T[] positiveWeightA,
        T[] lse, int lseOffset, T[] positiveLogit, int positiveOffset, T[]? threshold, ContrastiveShape shape, double invTau)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rowsA = shape.RowsA, rowsB = shape.RowsB, d = shape.Dim;
        bool excludeDiagonal = shape.ExcludeDiagonal != 0, byLabel = shape.ByLabel != 0, excludePositives = shape.ExcludePositives != 0;
        ScanTiles(a, aOffset, b, bOffset, rowsA, rowsB, d, invTau, (long)RowBlock * rowsB * d,
            () => (Max: new T[RowBlock], Sum: new T[RowBlock], Positive: new T[RowBlock]),
            (state, i0, rows) =>
            {
                state.Max.AsSpan().Fill(T.NegativeInfinity);
                state.Sum.AsSpan().Clear();
                state.Positive.AsSpan().Clear();
            },
            (state, i0, rows, j0, cols, tile) =>
            {
                var (max, sum, positive) = state;
                for (int r = 0; r < rows; r++)
                {
                    int i = i0 + r;
                    var row = tile.AsSpan(r * cols, cols);
                    int diagonal = excludeDiagonal ? i - j0 : -1;
                    if (byLabel)
                    {
                        positive[r] += LabelSum(row, keyA[i], keyB.AsSpan(j0, cols), diagonal);
                        if (excludePositives)
                            for (int c = 0; c < cols; c++)
                                if (keyB[j0 + c] == keyA[i]) row[c] = T.NegativeInfinity;
                    }
                    else
                    {
                        int p = keyA[i] - j0;
                        if (p >= 0 && p < cols)
                        {
                            positive[r] += row[p];
                            if (excludePositives) row[p] = T.NegativeInfinity;
                        }
                    }
                    if (threshold is not null) DropAboveThreshold(row, threshold[i], i, j0, keyA, keyB, byLabel);
                    if (diagonal >= 0 && diagonal < cols) row[diagonal] = T.NegativeInfinity;
                    T tileMax = RowMax(row);
                    if (T.IsNegativeInfinity(tileMax)) continue;
                    T newMax = T.Max(max[r], tileMax);
                    sum[r] = sum[r] * T.Exp(max[r] - newMax) + SumExp(row, newMax);
                    max[r] = newMax;
                }
            },
            (state, i0, rows) =>
            {
                for (int r = 0; r < rows; r++)
                {
                    int i = i0 + r;
                    lse[lseOffset + i] = state.Max[r] + T.Log(state.Sum[r]);
                    positiveLogit[positiveOffset + i] = state.Positive[r] * positiveWeightA[i];
                }
            });
    }

    /// <summary>dA = (1/τ)·W·B; <paramref name="rowTerm"/> / <paramref name="columnTerm"/> are null where the shape says absent.</summary>
    public static void Gradient<T>(T[] a, int aOffset, T[] b, int bOffset, int[] keyA, int[] keyB,
        SoftmaxSide<int[], T[]>? rowTerm, SoftmaxSide<int[], T[]>? columnTerm,
        T[] gradA, int gradOffset, ContrastiveShape shape, double invTau)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rowsA = shape.RowsA, rowsB = shape.RowsB, d = shape.Dim;
        bool excludeDiagonal = shape.ExcludeDiagonal != 0, byLabel = shape.ByLabel != 0, excludePositives = shape.ExcludePositives != 0;
        // What a positive pair subtracts from W, per candidate b when b anchors the column term: c_b·w_b.
        T[]? columnPositive = columnTerm is { } ct ? ct.Coefficient.Zip(ct.PositiveWeight, (c, w) => c * w).ToArray() : null;
        T outScale = T.CreateChecked(invTau);
        ScanTiles(a, aOffset, b, bOffset, rowsA, rowsB, d, invTau, (long)RowBlock * rowsB * d * 2,
            // The tile row's similarities, kept while the row becomes weights, where some pairs are left out and rewritten.
            () => excludePositives || shape.HasThreshold != 0 ? new T[ColumnBlock] : null,
            (similarity, i0, rows) => gradA.AsSpan(gradOffset + i0 * d, rows * d).Clear(),
            (similarity, i0, rows, j0, cols, tile) =>
            {
                for (int r = 0; r < rows; r++)
                {
                    int i = i0 + r;
                    var row = tile.AsSpan(r * cols, cols);
                    T rowCoefficient = rowTerm is { } rt ? rt.Coefficient[i] : T.Zero;
                    T rowPositive = rowTerm is { } rp ? rp.Coefficient[i] * rp.PositiveWeight[i] : T.Zero;
                    if (similarity is not null) row.CopyTo(similarity);
                    SoftmaxWeights(row, rowCoefficient, rowTerm is { } rl ? rl.Lse[i] : T.Zero,
                        columnTerm is { } cc ? cc.Coefficient.AsSpan(j0, cols) : default, columnTerm is { } cl ? cl.Lse.AsSpan(j0, cols) : default);
                    if (similarity is not null)
                        SoftmaxWeightsWithExclusions(row, similarity.AsSpan(0, cols), i, j0, keyA, keyB, byLabel, excludePositives, rowTerm, columnTerm);
                    if (byLabel)
                    {
                        SubtractLabelPositives(row, keyA[i], keyB.AsSpan(j0, cols), rowPositive, columnPositive is null ? default : columnPositive.AsSpan(j0, cols));
                    }
                    else if (rowTerm is not null)
                    {
                        int p = keyA[i] - j0;
                        if (p >= 0 && p < cols) row[p] -= rowPositive;
                    }
                    int diagonal = i - j0;
                    if (excludeDiagonal && diagonal >= 0 && diagonal < cols) row[diagonal] = T.Zero;
                }
                if (!byLabel && columnPositive is not null)
                {
                    // [a = p(b)]: the column of this tile whose positive is a row of this block.
                    for (int c = 0; c < cols; c++)
                    {
                        int r = keyB[j0 + c] - i0;
                        if (r >= 0 && r < rows) tile[r * cols + c] -= columnPositive[j0 + c];
                    }
                }
                Gemm(tile, 0, b, bOffset + j0 * d, gradA, gradOffset + i0 * d, new GemmShape
                {
                    M = rows, N = d, K = cols, Lda = cols, Ldb = d, Ldc = d,
                    Beta = 1f,
                }, 1.0);
            },
            (similarity, i0, rows) =>
            {
                var block = gradA.AsSpan(gradOffset + i0 * d, rows * d);
                for (int t = 0; t < block.Length; t++) block[t] *= outScale;
            });
    }

    /// <summary>
    /// The pairs (i, j) that an anchor left out of its log-sum-exp get their softmax parts again, without the left-out
    /// term(s): row[c] ← [i kept j] cA·exp(S − lseA) + [j kept i] cB·exp(S − lseB). An anchor leaves out its positives when
    /// <paramref name="excludePositives"/>, and the negatives above its threshold when its side has one (drop-top).
    /// Written afresh rather than subtracted: exp(S − LSE) of a left-out candidate can be far above 1.
    /// </summary>
    private static void SoftmaxWeightsWithExclusions<T>(Span<T> row, ReadOnlySpan<T> similarity, int i, int j0, int[] keyA, int[] keyB, bool byLabel,
        bool excludePositives, SoftmaxSide<int[], T[]>? rowTerm, SoftmaxSide<int[], T[]>? columnTerm)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int c = 0; c < row.Length; c++)
        {
            int j = j0 + c;
            T s = similarity[c];
            bool rowOut = rowTerm is not null && ((byLabel ? keyB[j] == keyA[i] : keyA[i] == j) ? excludePositives : rowTerm.Value.Threshold is { } ti && s > ti[i]);
            bool columnOut = columnTerm is not null && ((byLabel ? keyB[j] == keyA[i] : keyB[j] == i) ? excludePositives : columnTerm.Value.Threshold is { } tj && s > tj[j]);
            if (!rowOut && !columnOut) continue;
            T w = T.Zero;
            if (rowTerm is { } rt && !rowOut && rt.Coefficient[i] != T.Zero) w += rt.Coefficient[i] * T.Exp(s - rt.Lse[i]);
            if (columnTerm is { } ct && !columnOut) w += ct.Coefficient[j] * T.Exp(s - ct.Lse[j]);
            row[c] = w;
        }
    }

    /// <summary>row[c] ← −∞ for the candidates j = j0 + c that are not positives of anchor i and lie above its threshold.</summary>
    private static void DropAboveThreshold<T>(Span<T> row, T threshold, int i, int j0, int[] keyA, int[] keyB, bool byLabel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int c = 0; c < row.Length; c++)
            if (row[c] > threshold && !(byLabel ? keyB[j0 + c] == keyA[i] : keyA[i] == j0 + c)) row[c] = T.NegativeInfinity;
    }

    /// <summary>
    /// Drop-top's first pass on the cpu (the math of <see cref="ContrastiveKernels.TopNegativesNaive"/>): row blocks in
    /// parallel stream similarity tiles and keep each row's K + 1 largest negatives in a sorted buffer; then the threshold
    /// midway between the K-th and (K+1)-th, and the indices of the K above it (−1 for one that ties the (K+1)-th).
    /// </summary>
    public static void TopNegatives<T>(T[] z, int offset, int n, int d, int[] positives, double invTau, int topK, T[] threshold, int thresholdOffset,
        int[] dropped, int droppedOffset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int kept = topK + 1;
        ScanTiles(z, offset, z, offset, n, n, d, invTau, (long)RowBlock * n * d,
            () => (Value: new T[RowBlock * kept], Index: new int[RowBlock * kept], Count: new int[RowBlock]),
            (state, i0, rows) => state.Count.AsSpan().Clear(),
            (state, i0, rows, j0, cols, tile) =>
            {
                var (value, index, count) = state;
                for (int r = 0; r < rows; r++)
                {
                    int i = i0 + r;
                    var top = value.AsSpan(r * kept, kept);
                    var at = index.AsSpan(r * kept, kept);
                    for (int c = 0; c < cols; c++)
                    {
                        int j = j0 + c;
                        T s = tile[r * cols + c];
                        if (j == i || j == positives[i] || (count[r] == kept && !(s > top[kept - 1]))) continue;
                        int slot = count[r] < kept ? count[r]++ : kept - 1;
                        for (; slot > 0 && top[slot - 1] < s; slot--)
                        {
                            top[slot] = top[slot - 1];
                            at[slot] = at[slot - 1];
                        }
                        top[slot] = s;
                        at[slot] = j;
                    }
                }
            },
            (state, i0, rows) =>
            {
                for (int r = 0; r < rows; r++)
                {
                    int i = i0 + r;
                    var top = state.Value.AsSpan(r * kept, kept);
                    T t = (top[topK - 1] + top[topK]) / T.CreateChecked(2);
                    threshold[thresholdOffset + i] = t;
                    for (int j = 0; j < topK; j++) dropped[droppedOffset + i * topK + j] = top[j] > t ? state.Index[r * kept + j] : -1;
                }
            });
    }

    /// <summary>A thread's part of a streaming pass over one tile: its scratch, the row block (i0, rows), the column tile (j0, cols), S of the tile.</summary>
    private delegate void TileVisit<T, TState>(TState scratch, int i0, int rows, int j0, int cols, T[] tile);

    /// <summary>
    /// The loop of the streaming passes: row blocks of A (RB rows) in parallel, each streaming B's column tiles (CB columns)
    /// in order, S tile = A_I·B_Jᵀ/τ into the thread's buffer and handed to <paramref name="visit"/>; <paramref name="begin"/>
    /// before a block's first tile and <paramref name="end"/> after its last, with the thread's <paramref name="scratch"/>.
    /// Each block owns its rows of whatever it writes: no atomics.
    /// </summary>
    private static void ScanTiles<T, TState>(T[] a, int aOffset, T[] b, int bOffset, int rowsA, int rowsB, int d, double invTau, long costPerBlock,
        Func<TState> scratch, Action<TState, int, int> begin, TileVisit<T, TState> visit, Action<TState, int, int> end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int blocks = (rowsA + RowBlock - 1) / RowBlock;
        CpuParallel.For(blocks, costPerBlock, (startBlock, endBlock) =>
        {
            var tile = new T[RowBlock * ColumnBlock];
            var state = scratch();
            for (int blk = startBlock; blk < endBlock; blk++)
            {
                int i0 = blk * RowBlock, rows = Math.Min(RowBlock, rowsA - i0);
                begin(state, i0, rows);
                for (int j0 = 0; j0 < rowsB; j0 += ColumnBlock)
                {
                    int cols = Math.Min(ColumnBlock, rowsB - j0);
                    SimilarityTile(a, aOffset + i0 * d, b, bOffset + j0 * d, rows, cols, d, invTau, tile);
                    visit(state, i0, rows, j0, cols, tile);
                }
                end(state, i0, rows);
            }
        });
    }

    /// <summary>tile[r, c] = a_{r}·b_{c}/τ for the given row and column blocks.</summary>
    private static void SimilarityTile<T>(T[] a, int aOffset, T[] b, int bOffset, int rows, int cols, int d, double invTau, T[] tile)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Gemm(a, aOffset, b, bOffset, tile, 0, new GemmShape
        {
            M = rows, N = cols, K = d, Lda = d, Ldb = d, Ldc = cols,
            TransposeB = 1, Beta = 0f,
        }, invTau);
    }

    private static void Gemm<T>(T[] a, int offsetA, T[] b, int offsetB, T[] c, int offsetC, GemmShape s, double alpha) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuGemm.Serial(a, offsetA, b, offsetB, c, offsetC, s, alpha);

    /// <summary>Σ_c [keys[c] = key, c ≠ diagonal] row[c].</summary>
    private static T LabelSum<T>(Span<T> row, int key, ReadOnlySpan<int> keys, int diagonal) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T total = T.Zero;
        int c = 0;
        if (typeof(T) == typeof(float))
        {
            var f = MemoryMarshal.Cast<T, float>(row);
            var acc = Vector256<float>.Zero;
            var k = Vector256.Create(key);
            for (; c <= f.Length - 8; c += 8)
            {
                var match = Vector256.Equals(Vector256.Create(keys.Slice(c, 8)), k).AsSingle();
                acc += Vector256.ConditionalSelect(match, Vector256.Create<float>(f.Slice(c, 8)), Vector256<float>.Zero);
            }
            total = T.CreateChecked(Vector256.Sum(acc));
        }
        for (; c < row.Length; c++)
            if (keys[c] == key) total += row[c];
        if (diagonal >= 0 && diagonal < row.Length && keys[diagonal] == key) total -= row[diagonal];
        return total;
    }

    /// <summary>row[c] −= rowPositive + columnPositive[c] where keys[c] = key (columnPositive may be empty).</summary>
    private static void SubtractLabelPositives<T>(Span<T> row, int key, ReadOnlySpan<int> keys, T rowPositive, ReadOnlySpan<T> columnPositive)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int c = 0; c < row.Length; c++)
            if (keys[c] == key) row[c] -= rowPositive + (columnPositive.IsEmpty ? T.Zero : columnPositive[c]);
    }

    /// <summary>max of the row (NaN is ruled out by the loss's input check), vectorized for float32.</summary>
    private static T RowMax<T>(Span<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var f = MemoryMarshal.Cast<T, float>(row);
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
            var f = MemoryMarshal.Cast<T, float>(row);
            float m = float.CreateChecked(max);
            var acc = Vector256<float>.Zero;
            var vm = Vector256.Create(m);
            int j = 0;
            for (; j <= f.Length - 8; j += 8) acc += SimdMath.Exp(Vector256.Create<float>(f.Slice(j, 8)) - vm);
            float s = Vector256.Sum(acc);
            for (; j < f.Length; j++) s += MathF.Exp(f[j] - m);
            return T.CreateChecked(s);
        }
        T total = T.Zero;
        foreach (var v in row) total += T.Exp(v - max);
        return total;
    }

    /// <summary>
    /// row[c] ← cA·exp(S − lseA) + cB[c]·exp(S − lseB[c]); the second term only when cB is not empty,
    /// the first only when cA ≠ 0. Vectorized for float32.
    /// </summary>
    private static void SoftmaxWeights<T>(Span<T> row, T coefficientA, T lseA, ReadOnlySpan<T> coefficientB, ReadOnlySpan<T> lseB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool hasRow = coefficientA != T.Zero, hasColumn = !coefficientB.IsEmpty;
        int c = 0;
        if (typeof(T) == typeof(float))
        {
            var f = MemoryMarshal.Cast<T, float>(row);
            var cb = MemoryMarshal.Cast<T, float>(coefficientB);
            var lb = MemoryMarshal.Cast<T, float>(lseB);
            var ca = Vector256.Create(float.CreateChecked(coefficientA));
            var la = Vector256.Create(float.CreateChecked(lseA));
            for (; c <= f.Length - 8; c += 8)
            {
                var s = Vector256.Create<float>(f.Slice(c, 8));
                var w = hasRow ? ca * SimdMath.Exp(s - la) : Vector256<float>.Zero;
                if (hasColumn) w += Vector256.Create<float>(cb.Slice(c, 8)) * SimdMath.Exp(s - Vector256.Create<float>(lb.Slice(c, 8)));
                w.CopyTo(f.Slice(c, 8));
            }
        }
        for (; c < row.Length; c++)
        {
            T s = row[c];
            T w = hasRow ? coefficientA * T.Exp(s - lseA) : T.Zero;
            if (hasColumn) w += coefficientB[c] * T.Exp(s - lseB[c]);
            row[c] = w;
        }
    }
}
