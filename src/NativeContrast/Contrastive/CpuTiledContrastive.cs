using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>
/// The softmax-contrastive passes in float32 on tiles of S = A·Bᵀ/τ, each tile computed once per pass
/// and used for every statistic and product it feeds:
///   forward: tile (I, J) updates the online log-sum-exp of anchors I along its rows and, when the
///     other direction is wanted, of anchors J along its columns: CLIP's key→query LSE, or for one set
///     (A = B = Z, self excluded) the rows J themselves, since S_ji = S_ij;
///   backward: with G the tile's gradient weights, dA_I += G·B_J and dB_J += Gᵀ·A_I in the same visit.
///     One set: W_ij = G_ij + G_ji is symmetric too, so only tiles J ≥ I are visited and the
///     diagonal tile adds W_II·Z_I alone.
/// Against streaming A's rows over B once per statistic (<see cref="CpuContrastive"/>, kept for
/// float64) that is half the similarity products for one set (3 → 2 products of N²·D, and half the
/// exponentials) and for CLIP (forward 2 → 1), and one recompute instead of two for the two-set
/// backward. B is packed once per pass as transposed GEMM panels; each unit packs its A block once.
/// Units of work are row blocks I of A with all their tiles, dealt round-robin to the threads; each
/// thread adds into its own statistics and gradient copy (thread 0 into the result), folded in thread
/// order at the end: no locks, no write races, and the same bits in every run with the same thread count.
/// Shape legend: A [nA, D] anchors, B [nB, D] candidates, T = tile size, P(i) = positives of i,
/// w_i = 1/|P(i)|, c_i = loss weight × upstream gradient.
/// </summary>
internal static unsafe class CpuTiledContrastive
{
    public const int Tile = 192;

    /// <summary>AVX2/FMA and D small enough that a packed A block of T×D floats stays in L2.</summary>
    public static bool Supports(int d) => PackedSgemm.IsSupported && d <= 512;


    /// <summary>
    /// LSE and mean positive logit of A's anchors (<paramref name="rows"/>) and, when given, of B's
    /// anchors (<paramref name="columns"/>, two sets only).
    /// </summary>
    /// <remarks>With a second side (one set, index positives only): its statistics are those of S at secondInvTau
    /// (HCL's two scales), from the same tiles (S' = (secondInvTau/invTau)·S, one GEMM for both).</remarks>
    public static void Forward(float[] a, int aOffset, float[] b, int bOffset, int nA, int nB, int d, bool oneSet, bool byLabel,
        SoftmaxSide<int[], float[]> rows, SoftmaxSide<int[], float[]>? columns, double invTau, bool excludePositives = false, SoftmaxSide<int[], float[]>? second = null, double secondInvTau = 0)
    {
        if (byLabel && !oneSet) throw new NotSupportedException("Label positives are implemented for one set of rows.");
        if (second is not null && (!oneSet || byLabel)) throw new NotSupportedException("A second scale is implemented for one set with index positives.");
        if (byLabel && excludePositives) throw new NotSupportedException("Positives out of the denominator are implemented for index positives (labels take the streaming path).");
        // Whose positives the column statistics leave out: the column anchors' (one set: the same rows').
        var columnKeys = excludePositives ? (oneSet ? rows.Keys : columns?.Keys) : null;
        var rowStats = new Stats(nA);
        var columnStats = oneSet ? rowStats : columns is null ? null : new Stats(nB);
        float alpha = (float)invTau;
        int rowBlocks = (nA + Tile - 1) / Tile, columnBlocks = (nB + Tile - 1) / Tile;
        int threads = Threads(rowBlocks);
        // Thread 0 merges into the result directly, the others into their own statistics, folded in
        // thread order at the end: the result does not depend on timing.
        var threadRows = Enumerable.Range(0, threads).Select(t => t == 0 ? rowStats : new Stats(nA)).ToArray();
        var threadColumns = Enumerable.Range(0, threads).Select(t => oneSet ? threadRows[t] : columnStats is null ? null : t == 0 ? columnStats : new Stats(nB)).ToArray();
        var secondStats = second is null ? null : new Stats(nA);
        var threadSecond = Enumerable.Range(0, threads).Select(t => secondStats is null ? null : t == 0 ? secondStats : new Stats(nA)).ToArray();
        float ratio = (float)(secondInvTau / invTau);
        fixed (float* ap = a, bp = b)
        {
            float* aBase = ap + aOffset, bBase = bp + bOffset;
            float* packedT = Alloc(PackedSgemm.PackedBSize(nB, d));
            try
            {
                PackedSgemm.PackAsB(bBase, d, transposed: true, d, nB, packedT);
                RunUnits(rowBlocks, threads, () => new Scratch(d), (unit, thread, s) =>
                {
                    int i0 = unit * Tile, height = Math.Min(Tile, nA - i0);
                    PackedSgemm.PackAsA(aBase + i0 * d, d, false, height, d, s.PackedRows);
                    var first = new RowStatistics(s.RowMax, s.RowSum, s.RowPositive, height);
                    var secondRows = new RowStatistics(s.SecondRowMax, s.SecondRowSum, s.SecondRowPositive, height);
                    for (int block = oneSet ? unit : 0; block < columnBlocks; block++)
                    {
                        int j0 = block * Tile, width = Math.Min(Tile, nB - j0);
                        PackedSgemm.MultiplyPacked(s.PackedRows, height, packedT + j0 * d, width, d, s.Similarity, Tile, alpha, overwrite: true);
                        bool diagonal = oneSet && block == unit;
                        // The second scale's tile, copied before the first's pass masks entries of this one.
                        if (second is not null) Scale(s.Similarity, s.Second, height, width, ratio);
                        var tile = new TileView(s.Similarity, height, width, i0, j0, diagonal);
                        AccumulateTile(s, tile, rows.Keys, columnKeys, byLabel, excludePositives, threadColumns[thread], first);
                        if (second is not null) AccumulateTile(s, tile.Over(s.Second), second.Value.Keys, columnKeys, false, excludePositives, threadSecond[thread], secondRows);
                    }
                    first.MergeInto(threadRows[thread], i0);
                    if (threadSecond[thread] is { } ownSecond) secondRows.MergeInto(ownSecond, i0);
                });
            }
            finally
            {
                NativeMemory.AlignedFree(packedT);
            }
        }
        for (int t = 1; t < threads; t++)
        {
            rowStats.Fold(threadRows[t]);
            if (!oneSet && columnStats is not null) columnStats.Fold(threadColumns[t]!);
            secondStats?.Fold(threadSecond[t]!);
        }
        Finish(rowStats, rows, a, aOffset, b, bOffset, d, byLabel, invTau);
        if (!oneSet && columns is not null) Finish(columnStats!, columns.Value, b, bOffset, a, aOffset, d, byLabel, invTau);
        if (second is not null) Finish(secondStats!, second.Value, a, aOffset, b, bOffset, d, byLabel: false, secondInvTau);
    }

    /// <summary>A tile of S (or of the second scale's S') as one pass reads it: T-strided values, its size, where it sits, whether it is on the diagonal.</summary>
    private readonly struct TileView(float* values, int height, int width, int i0, int j0, bool diagonal)
    {
        public readonly float* Values = values;
        public readonly int Height = height, Width = width, I0 = i0, J0 = j0;
        public readonly bool Diagonal = diagonal;

        /// <summary>The same tile position over other values (the second scale's tile).</summary>
        public TileView Over(float* other) => new(other, Height, Width, I0, J0, Diagonal);

        public void Deconstruct(out float* values, out int height, out int width, out int i0, out int j0, out bool diagonal)
        {
            values = Values;
            (height, width, i0, j0, diagonal) = (Height, Width, I0, J0, Diagonal);
        }
    }

    /// <summary>One unit's running row statistics over its tiles (scratch arrays of T, the first <c>height</c> used).</summary>
    private readonly ref struct RowStatistics
    {
        public readonly Span<float> Max, Sum, Positive;

        public RowStatistics(float[] max, float[] sum, float[] positive, int height)
        {
            Max = max.AsSpan(0, height);
            Sum = sum.AsSpan(0, height);
            Positive = positive.AsSpan(0, height);
            Max.Fill(float.NegativeInfinity);
            Sum.Clear();
            Positive.Clear();
        }

        /// <summary>Merges these rows (anchors i0 …) into a thread's statistics.</summary>
        public void MergeInto(Stats stats, int i0)
        {
            for (int r = 0; r < Max.Length; r++)
            {
                Merge(ref stats.Max[i0 + r], ref stats.Sum[i0 + r], Max[r], Sum[r]);
                stats.Positive[i0 + r] += Positive[r];
            }
        }
    }

    /// <summary>
    /// One tile's share of the forward statistics: the column anchors' (off the diagonal, each column's positive hidden when
    /// positives leave the denominator) into <paramref name="columnTarget"/>, then the row anchors' into <paramref name="rowStats"/>
    /// (the diagonal and, when left out, each row's positive set to −∞ in the tile).
    /// </summary>
    private static void AccumulateTile(Scratch s, TileView tile, int[] keys, int[]? columnKeys, bool byLabel, bool excludePositives, Stats? columnTarget,
        RowStatistics rowStats)
    {
        if (columnTarget is not null && !tile.Diagonal)
        {
            if (columnKeys is not null) HideColumnPositives(s, tile, columnKeys, hide: true);
            ColumnStats(s, tile, byLabel ? keys : null, columnTarget);
            if (columnKeys is not null) HideColumnPositives(s, tile, columnKeys, hide: false);
        }
        for (int r = 0; r < tile.Height; r++)
        {
            var row = new Span<float>(tile.Values + r * Tile, tile.Width);
            if (byLabel) rowStats.Positive[r] += LabelSum(row, keys[tile.I0 + r], keys.AsSpan(tile.J0, tile.Width), tile.Diagonal ? r : -1);
            if (tile.Diagonal) row[r] = float.NegativeInfinity;
            if (excludePositives && keys[tile.I0 + r] - tile.J0 is var p && p >= 0 && p < tile.Width) row[p] = float.NegativeInfinity;
            OnlineLogSumExp(row, ref rowStats.Max[r], ref rowStats.Sum[r]);
        }
    }

    /// <summary>target ← factor·source over a tile's height × width (T-strided).</summary>
    private static void Scale(float* source, float* target, int height, int width, float factor)
    {
        var f = Vector256.Create(factor);
        for (int r = 0; r < height; r++)
        {
            float* from = source + r * Tile, to = target + r * Tile;
            int c = 0;
            for (; c <= width - 8; c += 8) Vector256.Store(Vector256.Load(from + c) * f, to + c);
            for (; c < width; c++) to[c] = from[c] * factor;
        }
    }

    /// <summary>target += factor·source over a tile's height × width (T-strided).</summary>
    private static void AddScaled(float* source, float* target, int height, int width, float factor)
    {
        var f = Vector256.Create(factor);
        for (int r = 0; r < height; r++)
        {
            float* from = source + r * Tile, to = target + r * Tile;
            int c = 0;
            for (; c <= width - 8; c += 8) Vector256.Store(Vector256.Load(to + c) + Vector256.Load(from + c) * f, to + c);
            for (; c < width; c++) to[c] += from[c] * factor;
        }
    }

    /// <summary>
    /// dA (and dB when <paramref name="gradB"/> is given; two sets only) = (1/τ)·G·B (Gᵀ·A) with
    /// G_ab = c_a (P_ab − w_a [b ∈ P(a)]) + c_b (P'_ba − w_b [a ∈ P(b)]): the row term from A's anchors
    /// (P_ab = exp(S_ab − LSE_a)), the column term from B's (P'_ba = exp(S_ab − LSE'_b)), either optional.
    /// One set: both terms are the same rows' and W = G + Gᵀ with W_ii = 0.
    /// </summary>
    /// <remarks>With a second side (one set, index positives only) at secondInvTau (HCL's two scales): its weights
    /// join the first's in the same tiles: dZ = invTau·W·Z + secondInvTau·W'·Z = invTau·(W + (secondInvTau/invTau)·W')·Z, one GEMM.</remarks>
    public static void Backward(float[] a, int aOffset, float[] b, int bOffset, int nA, int nB, int d, bool oneSet, bool byLabel,
        SoftmaxSide<int[], float[]>? rows, SoftmaxSide<int[], float[]>? columns, float[] gradA, int gradAOffset, float[]? gradB, int gradBOffset, double invTau, bool excludePositives = false,
        SoftmaxSide<int[], float[]>? second = null, double secondInvTau = 0)
    {
        if (byLabel && excludePositives) throw new NotSupportedException("Positives out of the denominator are implemented for index positives (labels take the streaming path).");
        if (second is not null && (!oneSet || byLabel)) throw new NotSupportedException("A second scale is implemented for one set with index positives.");
        var secondAmount = second is null ? null : Amounts(second.Value);
        float ratio = (float)(secondInvTau / invTau);
        if (oneSet) columns = rows;
        var rowAmount = rows is null ? null : Amounts(rows.Value);
        var columnAmount = columns is null ? null : oneSet ? rowAmount : Amounts(columns.Value);
        float alpha = (float)invTau;
        int rowBlocks = (nA + Tile - 1) / Tile, columnBlocks = (nB + Tile - 1) / Tile;
        int threads = Threads(rowBlocks);
        gradA.AsSpan(gradAOffset, nA * d).Clear();
        gradB?.AsSpan(gradBOffset, nB * d).Clear();
        bool transposedProducts = oneSet || gradB is not null;
        // Thread 0 adds into the outputs; the others into their own copies (rows of A, and of B for two
        // sets), added in thread order at the end, so the sums do not depend on timing.
        var extraA = new float*[threads];
        var extraB = new float*[threads];
        for (int t = 1; t < threads; t++)
        {
            extraA[t] = AllocZeroed(nA * d);
            if (!oneSet && gradB is not null) extraB[t] = AllocZeroed(nB * d);
        }
        fixed (float* ap = a, bp = b, gap = gradA, gbp = gradB)
        {
            float* aBase = ap + aOffset, bBase = bp + bOffset, gaBase = gap + gradAOffset, gbBase = gradB is null ? null : gbp + gradBOffset;
            float* packedT = Alloc(PackedSgemm.PackedBSize(nB, d));
            try
            {
                PackedSgemm.PackAsB(bBase, d, transposed: true, d, nB, packedT);
                RunUnits(rowBlocks, threads, () => new Scratch(d), (unit, thread, s) =>
                {
                    float* rowTarget = thread == 0 ? gaBase : extraA[thread];
                    // Where Gᵀ·A_I goes: the other rows of Z for one set, dB for two sets.
                    float* transposedTarget = oneSet ? rowTarget : gbBase is null ? null : thread == 0 ? gbBase : extraB[thread];
                    int i0 = unit * Tile, height = Math.Min(Tile, nA - i0);
                    PackedSgemm.PackAsA(aBase + i0 * d, d, false, height, d, s.PackedRows);
                    if (transposedProducts) PackedSgemm.PackAsB(aBase + i0 * d, d, false, height, d, s.RowsAsB);
                    for (int block = oneSet ? unit : 0; block < columnBlocks; block++)
                    {
                        int j0 = block * Tile, width = Math.Min(Tile, nB - j0);
                        bool diagonal = oneSet && block == unit;
                        PackedSgemm.MultiplyPacked(s.PackedRows, height, packedT + j0 * d, width, d, s.Similarity, Tile, alpha, overwrite: true);
                        var tile = new TileView(s.Similarity, height, width, i0, j0, diagonal);
                        if (second is not null)
                        {
                            Scale(s.Similarity, s.Second, height, width, ratio);
                            TileWeights(tile.Over(s.Second), second, second, secondAmount, secondAmount, false, excludePositives);
                        }
                        TileWeights(tile, rows, columns, rowAmount, columnAmount, byLabel, excludePositives);
                        if (second is not null) AddScaled(s.Second, s.Similarity, height, width, ratio);
                        // dA_I += G·B_J / τ
                        PackedSgemm.PackAsA(s.Similarity, Tile, false, height, width, s.PackedWeights);
                        PackedSgemm.PackAsB(bBase + j0 * d, d, false, width, d, s.ColumnsAsB);
                        PackedSgemm.MultiplyPacked(s.PackedWeights, height, s.ColumnsAsB, d, width, rowTarget + i0 * d, d, alpha, overwrite: false);
                        if (diagonal || transposedTarget is null) continue;
                        // dB_J (one set: dZ_J) += Gᵀ·A_I / τ
                        PackedSgemm.PackAsA(s.Similarity, Tile, true, width, height, s.PackedWeights);
                        PackedSgemm.MultiplyPacked(s.PackedWeights, width, s.RowsAsB, d, height, transposedTarget + j0 * d, d, alpha, overwrite: false);
                    }
                });
                for (int t = 1; t < threads; t++)
                {
                    Add(gaBase, extraA[t], nA * d);
                    if (extraB[t] != null) Add(gbBase, extraB[t], nB * d);
                }
            }
            finally
            {
                NativeMemory.AlignedFree(packedT);
                for (int t = 1; t < threads; t++)
                {
                    NativeMemory.AlignedFree(extraA[t]);
                    if (extraB[t] != null) NativeMemory.AlignedFree(extraB[t]);
                }
            }
        }
    }

    /// <summary>Turns the S tile into G (W for one set) in place, the positive pairs written afresh when positives leave the denominator.</summary>
    private static void TileWeights(TileView tile, SoftmaxSide<int[], float[]>? rows, SoftmaxSide<int[], float[]>? columns, float[]? rowAmount, float[]? columnAmount, bool byLabel, bool excludePositives)
    {
        var positivePairs = excludePositives ? PositivePairs(tile, rows, columns) : null;
        Weights(tile, rows, columns, rowAmount, columnAmount, byLabel);
        if (positivePairs is not null) WeightsWithoutPositives(tile, positivePairs, rows, columns, rowAmount, columnAmount);
    }

    /// <summary>Turns the S tile into G (W for one set) in place.</summary>
    private static void Weights(TileView tile, SoftmaxSide<int[], float[]>? rows, SoftmaxSide<int[], float[]>? columns, float[]? rowAmount, float[]? columnAmount, bool byLabel)
    {
        var (values, height, width, i0, j0, diagonal) = tile;
        for (int r = 0; r < height; r++)
        {
            int i = i0 + r;
            var row = new Span<float>(values + r * Tile, width);
            SoftmaxWeights(row, rows is null ? 0f : rows.Value.Coefficient[i], rows is null ? 0f : rows.Value.Lse[i],
                columns is null ? default : columns.Value.Coefficient.AsSpan(j0, width), columns is null ? default : columns.Value.Lse.AsSpan(j0, width));
            if (byLabel)
            {
                int key = rows!.Value.Keys[i];
                for (int c = 0; c < width; c++)
                    if (rows.Value.Keys[j0 + c] == key) row[c] -= rowAmount![i] + columnAmount![j0 + c];
            }
            else if (rows is not null)
            {
                int p = rows.Value.Keys[i] - j0;
                if (p >= 0 && p < width) row[p] -= rowAmount![i];
            }
            if (diagonal) row[r] = 0f;
        }
        if (byLabel || columns is null) return;
        // [a ∈ P(b)]: a column of this tile whose positive is a row of this block.
        for (int c = 0; c < width; c++)
        {
            int r = columns.Value.Keys[j0 + c] - i0;
            if (r >= 0 && r < height && !(diagonal && r == c)) values[r * Tile + c] -= columnAmount![j0 + c];
        }
    }

    /// <summary>A pair (i, j) of a tile where j is i's positive or i is j's, with its similarity S_ij (saved before the tile becomes weights).</summary>
    private readonly record struct PositivePair(int Row, int Column, float Similarity, bool RowPositive, bool ColumnPositive);

    /// <summary>The tile's pairs where j = p(i) (row term) or i = p(j) (column term): at most one per row and one per column.</summary>
    private static List<PositivePair> PositivePairs(TileView tile, SoftmaxSide<int[], float[]>? rows, SoftmaxSide<int[], float[]>? columns)
    {
        var (values, height, width, i0, j0, _) = tile;
        var pairs = new List<PositivePair>();
        for (int r = 0; r < height; r++)
        {
            if (rows is null || rows.Value.Keys[i0 + r] - j0 is not (var c and >= 0) || c >= width) continue;
            bool columnPositive = columns is not null && columns.Value.Keys[j0 + c] == i0 + r;
            pairs.Add(new PositivePair(r, c, values[r * Tile + c], true, columnPositive));
        }
        if (columns is null) return pairs;
        for (int c = 0; c < width; c++)
        {
            int r = columns.Value.Keys[j0 + c] - i0;
            if (r < 0 || r >= height || (rows is not null && rows.Value.Keys[i0 + r] == j0 + c)) continue; // listed above
            pairs.Add(new PositivePair(r, c, values[r * Tile + c], false, true));
        }
        return pairs;
    }

    /// <summary>
    /// With positives out of the denominator, the weights of the positive pairs written afresh: the softmax part of the
    /// side whose positive the other is is left out, its −c·w kept (exp(S − LSE) of a left-out positive can be far above 1,
    /// so subtracting it from what <see cref="Weights"/> wrote would cancel badly in float32).
    /// </summary>
    private static void WeightsWithoutPositives(TileView tile, List<PositivePair> pairs, SoftmaxSide<int[], float[]>? rows, SoftmaxSide<int[], float[]>? columns,
        float[]? rowAmount, float[]? columnAmount)
    {
        foreach (var pair in pairs)
        {
            if (tile.Diagonal && pair.Row == pair.Column) continue;
            int i = tile.I0 + pair.Row, j = tile.J0 + pair.Column;
            float w = 0f;
            if (rows is not null)
                w += pair.RowPositive ? -rowAmount![i] : rows.Value.Coefficient[i] * MathF.Exp(pair.Similarity - rows.Value.Lse[i]);
            if (columns is not null)
                w += pair.ColumnPositive ? -columnAmount![j] : columns.Value.Coefficient[j] * MathF.Exp(pair.Similarity - columns.Value.Lse[j]);
            tile.Values[pair.Row * Tile + pair.Column] = w;
        }
    }

    /// <summary>
    /// Hides (S ← −∞) or restores the tile entries (i, j) with i = p(j), so that the column statistics leave each column
    /// anchor's positive out; the row pass, which reads the same tile next, gets the values back.
    /// </summary>
    private static void HideColumnPositives(Scratch s, TileView tile, int[] columnKeys, bool hide)
    {
        for (int c = 0; c < tile.Width; c++)
        {
            int r = columnKeys[tile.J0 + c] - tile.I0;
            if (r < 0 || r >= tile.Height) continue;
            ref float entry = ref tile.Values[r * Tile + c];
            if (hide)
            {
                s.Hidden[c] = entry;
                entry = float.NegativeInfinity;
            }
            else
            {
                entry = s.Hidden[c];
            }
        }
    }

    /// <summary>row[c] ← cA·exp(S − lseA) + cB[c]·exp(S − lseB[c]); a term with cA = 0 or empty cB is skipped.</summary>
    private static void SoftmaxWeights(Span<float> row, float coefficientA, float lseA, ReadOnlySpan<float> coefficientB, ReadOnlySpan<float> lseB)
    {
        bool hasRow = coefficientA != 0f, hasColumn = !coefficientB.IsEmpty;
        var ca = Vector256.Create(coefficientA);
        var la = Vector256.Create(lseA);
        int c = 0;
        for (; c <= row.Length - 8; c += 8)
        {
            var v = Vector256.Create<float>(row.Slice(c, 8));
            var w = hasRow ? ca * SimdMath.Exp(v - la) : Vector256<float>.Zero;
            if (hasColumn) w += Vector256.Create(coefficientB.Slice(c, 8)) * SimdMath.Exp(v - Vector256.Create(lseB.Slice(c, 8)));
            w.CopyTo(row.Slice(c, 8));
        }
        for (; c < row.Length; c++)
        {
            float w = hasRow ? coefficientA * MathF.Exp(row[c] - lseA) : 0f;
            if (hasColumn) w += coefficientB[c] * MathF.Exp(row[c] - lseB[c]);
            row[c] = w;
        }
    }

    /// <summary>Column-wise log-sum-exp (and label sums) of an off-diagonal tile, merged into the column anchors' statistics (this thread's).</summary>
    private static void ColumnStats(Scratch s, TileView tile, int[]? labels, Stats stats)
    {
        var (values, height, width, i0, j0, _) = tile;
        var colMax = s.ColumnMax.AsSpan(0, width);
        var colSum = s.ColumnSum.AsSpan(0, width);
        var colPositive = s.ColumnPositive.AsSpan(0, width);
        colMax.Fill(float.NegativeInfinity);
        colSum.Clear();
        colPositive.Clear();
        int vectorEnd = width / 8 * 8;
        for (int r = 0; r < height; r++)
        {
            var row = new Span<float>(values + r * Tile, width);
            int c = 0;
            for (; c < vectorEnd; c += 8)
                Vector256.Max(Vector256.Create<float>(colMax.Slice(c, 8)), Vector256.Create<float>(row.Slice(c, 8))).CopyTo(colMax.Slice(c, 8));
            for (; c < width; c++) colMax[c] = MathF.Max(colMax[c], row[c]);
        }
        for (int r = 0; r < height; r++)
        {
            var row = new Span<float>(values + r * Tile, width);
            int c = 0;
            for (; c < vectorEnd; c += 8)
            {
                var e = SimdMath.Exp(Vector256.Create<float>(row.Slice(c, 8)) - Vector256.Create<float>(colMax.Slice(c, 8)));
                (Vector256.Create<float>(colSum.Slice(c, 8)) + e).CopyTo(colSum.Slice(c, 8));
            }
            for (; c < width; c++) colSum[c] += MathF.Exp(row[c] - colMax[c]);
            if (labels is null) continue;
            var key = Vector256.Create(labels[i0 + r]);
            c = 0;
            for (; c < vectorEnd; c += 8)
            {
                var match = Vector256.Equals(Vector256.Create(labels.AsSpan(j0 + c, 8)), key).AsSingle();
                (Vector256.Create<float>(colPositive.Slice(c, 8)) + Vector256.ConditionalSelect(match, Vector256.Create<float>(row.Slice(c, 8)), Vector256<float>.Zero))
                    .CopyTo(colPositive.Slice(c, 8));
            }
            for (; c < width; c++)
                if (labels[j0 + c] == labels[i0 + r]) colPositive[c] += row[c];
        }
        for (int c = 0; c < width; c++)
        {
            Merge(ref stats.Max[j0 + c], ref stats.Sum[j0 + c], colMax[c], colSum[c]);
            stats.Positive[j0 + c] += colPositive[c];
        }
    }

    /// <summary>LSE = max + ln sum; the positive logit from the label sums, or for index positives by one dot product per anchor (in float64).</summary>
    private static void Finish(Stats stats, SoftmaxSide<int[], float[]> side, float[] anchors, int anchorOffset, float[] candidates, int candidateOffset, int d, bool byLabel, double invTau)
    {
        for (int i = 0; i < stats.Max.Length; i++)
        {
            side.Lse[i] = stats.Max[i] + MathF.Log(stats.Sum[i]);
            double positive = byLabel ? stats.Positive[i] : Dot(anchors, anchorOffset + i * d, candidates, candidateOffset + side.Keys[i] * d, d) * invTau;
            side.PositiveLogit[i] = (float)(positive * side.PositiveWeight[i]);
        }
    }

    private static double Dot(float[] x, int xOffset, float[] y, int yOffset, int d)
    {
        double sum = 0;
        for (int k = 0; k < d; k++) sum += (double)x[xOffset + k] * y[yOffset + k];
        return sum;
    }

    private static float[] Amounts(SoftmaxSide<int[], float[]> side) => side.Coefficient.Zip(side.PositiveWeight, (c, w) => c * w).ToArray();

    private static int Threads(int units) => Math.Max(1, Math.Min(CpuParallel.Threads, units));

    /// <summary>Running (max, Σ exp(v − max)) and positive-logit sums per anchor.</summary>
    private sealed class Stats
    {
        public Stats(int n)
        {
            Max = new float[n];
            Sum = new float[n];
            Positive = new float[n];
            Max.AsSpan().Fill(float.NegativeInfinity);
        }

        public float[] Max { get; }

        public float[] Sum { get; }

        public float[] Positive { get; }

        /// <summary>Merges another thread's statistics into these.</summary>
        public void Fold(Stats other)
        {
            for (int i = 0; i < Max.Length; i++)
            {
                Merge(ref Max[i], ref Sum[i], other.Max[i], other.Sum[i]);
                Positive[i] += other.Positive[i];
            }
        }
    }

    /// <summary>Folds a row into a running (max, sum of exp(v − max)).</summary>
    private static void OnlineLogSumExp(Span<float> row, ref float max, ref float sum)
    {
        var acc = Vector256.Create(float.NegativeInfinity);
        int c = 0;
        for (; c <= row.Length - 8; c += 8) acc = Vector256.Max(acc, Vector256.Create<float>(row.Slice(c, 8)));
        float tileMax = float.NegativeInfinity;
        for (int k = 0; k < 8; k++) tileMax = MathF.Max(tileMax, acc[k]);
        for (; c < row.Length; c++) tileMax = MathF.Max(tileMax, row[c]);
        if (float.IsNegativeInfinity(tileMax)) return;
        float newMax = MathF.Max(max, tileMax);
        var vm = Vector256.Create(newMax);
        var total = Vector256<float>.Zero;
        c = 0;
        for (; c <= row.Length - 8; c += 8) total += SimdMath.Exp(Vector256.Create<float>(row.Slice(c, 8)) - vm);
        float s = Vector256.Sum(total);
        for (; c < row.Length; c++) s += MathF.Exp(row[c] - newMax);
        sum = sum * MathF.Exp(max - newMax) + s;
        max = newMax;
    }

    /// <summary>(max, sum) ⊕ (otherMax, otherSum) for sums of exp(v − max).</summary>
    private static void Merge(ref float max, ref float sum, float otherMax, float otherSum)
    {
        if (otherSum == 0f) return;
        float newMax = MathF.Max(max, otherMax);
        sum = sum * MathF.Exp(max - newMax) + otherSum * MathF.Exp(otherMax - newMax);
        max = newMax;
    }

    private static float LabelSum(Span<float> row, int key, ReadOnlySpan<int> keys, int diagonal)
    {
        float total = 0f;
        for (int c = 0; c < row.Length; c++)
            if (keys[c] == key && c != diagonal) total += row[c];
        return total;
    }

    private static void Add(float* destination, float* source, int count)
    {
        int k = 0;
        for (; k <= count - 8; k += 8)
            Vector256.Store(Vector256.Load(destination + k) + Vector256.Load(source + k), destination + k);
        for (; k < count; k++) destination[k] += source[k];
    }

    private static float* Alloc(int floats) => (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, floats) * sizeof(float), 64);

    /// <summary>
    /// Runs units 0..count−1 on <paramref name="threads"/> threads, thread t taking units t, t + T, t + 2T, …
    /// in order: a fixed assignment, so each thread's partial results are the same in every run.
    /// Round-robin keeps the triangle's uneven units balanced.
    /// </summary>
    private static void RunUnits(int count, int threads, Func<Scratch> scratch, Action<int, int, Scratch> body)
    {
        void Work(int thread)
        {
            using var s = scratch();
            for (int unit = thread; unit < count; unit += threads) body(unit, thread, s);
        }
        if (threads <= 1) Work(0);
        else Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, Work);
    }

    private static float* AllocZeroed(int floats)
    {
        var p = Alloc(floats);
        new Span<float>(p, floats).Clear();
        return p;
    }

    /// <summary>One thread's buffers (64-byte aligned; packed operands need 32).</summary>
    private sealed class Scratch : IDisposable
    {
        public Scratch(int d)
        {
            PackedRows = Alloc(PackedSgemm.PackedASize(Tile, d));
            RowsAsB = Alloc(PackedSgemm.PackedBSize(d, Tile));
            ColumnsAsB = Alloc(PackedSgemm.PackedBSize(d, Tile));
            PackedWeights = Alloc(PackedSgemm.PackedASize(Tile, Tile));
            this.Similarity = Alloc(Tile * Tile);
            Second = Alloc(Tile * Tile);
        }

        public float* PackedRows { get; }

        public float* RowsAsB { get; }

        public float* ColumnsAsB { get; }

        public float* PackedWeights { get; }

        public float* Similarity { get; }

        /// <summary>The second scale's tile (HCL): S' = ratio·S, then its weights.</summary>
        public float* Second { get; }

        public float[] SecondRowMax { get; } = new float[Tile];

        public float[] SecondRowSum { get; } = new float[Tile];

        public float[] SecondRowPositive { get; } = new float[Tile];

        public float[] RowMax { get; } = new float[Tile];

        public float[] RowSum { get; } = new float[Tile];

        public float[] RowPositive { get; } = new float[Tile];

        public float[] ColumnMax { get; } = new float[Tile];

        public float[] ColumnSum { get; } = new float[Tile];

        public float[] ColumnPositive { get; } = new float[Tile];

        /// <summary>The entries <see cref="HideColumnPositives"/> hid, by column.</summary>
        public float[] Hidden { get; } = new float[Tile];

        public void Dispose()
        {
            foreach (var p in new[] { PackedRows, RowsAsB, ColumnsAsB, PackedWeights, Similarity, Second })
                NativeMemory.AlignedFree(p);
        }
    }
}
