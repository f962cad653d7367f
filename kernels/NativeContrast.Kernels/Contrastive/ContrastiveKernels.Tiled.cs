using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>Variant 2 of the fused contrastive kernels: shared-memory tiles and 4×4 register micro-tiles (see the header in ContrastiveKernels.cs).</summary>
public static partial class ContrastiveKernels
{
    /// <summary>Anchors per group and candidates per step; the group is <see cref="GroupSide"/>² threads, each owning 4 × 4.</summary>
    public const int TileRows = 64, GroupSide = 16;

    /// <summary>Dimensions staged in shared memory at a time.</summary>
    public const int DepthChunk = 16;

    /// <summary>Dimensions of dA one group of the tiled gradient writes (8 per thread).</summary>
    public const int SliceWidth = 128;

    /// <summary>Row stride of the transposed shared tiles: 65, so the 16 threads storing one row's 16 dimensions hit 16 banks.</summary>
    private const int Pad = TileRows + 1;

    /// <summary>
    /// Variant 2 of <see cref="RowStatsNaive"/>. Grid: ⌈RowsA/64⌉ groups of 16×16 threads.
    /// lse[a] = ln Σ_b exp S_ab over candidates (b ≠ a for one set); positiveLogit[a] = w_a Σ_{b∈P(a)} S_ab.
    /// </summary>
    public static void RowStatsTiled<TExchange>(ViewRows anchors, ViewRows candidates, ViewSide anchorSide, ArrayView<int> keyB, ContrastiveShape shape)
        where TExchange : struct, ILaneExchange<TExchange> =>
        RowStatsTiledWith<ScalarTiles, TExchange>(anchors, candidates, anchorSide, keyB, shape);

    /// <summary>
    /// The tiled row statistics of variants 2 and 4: per step of 64 candidates, each thread's 4×4 block of logits from
    /// <typeparamref name="TTiles"/> (its staging and which candidates it owns) added to its four row states, which the
    /// 16 lanes sharing a row merge at the end.
    /// </summary>
    private static void RowStatsTiledWith<TTiles, TExchange>(ViewRows anchors, ViewRows candidates, ViewSide anchorSide, ArrayView<int> keyB,
        ContrastiveShape shape)
        where TTiles : struct, ITiledLogits<TTiles>
        where TExchange : struct, ILaneExchange<TExchange>
    {
        var exchange = default(TExchange).Prepare();
        int tx = Group.IdxX, ty = Group.IdxY;
        int rowBase = Grid.IdxX * TileRows, firstRow = rowBase + ty * 4;
        var tiles = default(TTiles).Prepare(anchors, firstRow, shape);
        var rowKeys = Int4.LoadGuarded(anchorSide.Keys, firstRow, 1, shape.RowsA);
        var states = AnchorStates.Empty;
        for (int colBase = 0; colBase < shape.RowsB; colBase += TileRows)
        {
            var logits = tiles.Logits(anchors, rowBase, candidates, colBase, shape);
            var columns = tiles.Columns(colBase, tx);
            var columnKeys = shape.ByLabel != 0 ? Int4.LoadGuarded(keyB, columns.X, tiles.ColumnStride, shape.RowsB) : default;
            states = Accumulate(states, logits.R0, logits.R1, logits.R2, logits.R3, firstRow, rowKeys, columns, columnKeys, shape);
        }
        MergeAndWriteRowStats(states, tx, firstRow, anchorSide, shape.RowsA, exchange);
    }

    /// <summary>
    /// Variant 2's 4×4 blocks: anchors rowBase + 4ty + i against candidates colBase + tx + 16j, staged in <see cref="Pad"/>-wide
    /// shared tiles with the rows' factors applied on load (<see cref="DotTile"/>).
    /// </summary>
    public struct ScalarTiles : ITiledLogits<ScalarTiles>
    {
        private ArrayView<float> tileA, tileB;

        /// <inheritdoc/>
        public readonly ScalarTiles Prepare(ViewRows anchors, int firstRow, ContrastiveShape shape) => new()
        {
            tileA = SharedMemory.Allocate<float>(DepthChunk * Pad),
            tileB = SharedMemory.Allocate<float>(DepthChunk * Pad),
        };

        /// <inheritdoc/>
        public readonly MicroTile Logits(ViewRows anchors, int rowBase, ViewRows candidates, int colBase, ContrastiveShape shape)
        {
            var dots = DotTile(anchors, rowBase, shape.RowsA, candidates, colBase, shape.RowsB, shape.Dim, tileA, tileB);
            return new MicroTile { R0 = dots.R0.Scale(shape.InvTau), R1 = dots.R1.Scale(shape.InvTau), R2 = dots.R2.Scale(shape.InvTau), R3 = dots.R3.Scale(shape.InvTau) };
        }

        /// <inheritdoc/>
        public readonly Int4 Columns(int colBase, int tx) => new(colBase + tx, colBase + tx + GroupSide, colBase + tx + 2 * GroupSide, colBase + tx + 3 * GroupSide);

        /// <inheritdoc/>
        public readonly int ColumnStride => GroupSide;
    }

    /// <summary>
    /// Variant 2 of <see cref="GradientNaive"/>. Grid: ⌈RowsA/64⌉ × ⌈D/128⌉ groups of 16×16 threads; group (x, y)
    /// writes dA for anchors 64x… and dimensions 128y….
    /// dA_a = (1/τ) Σ_b W_ab b_b with
    /// W_ab = cA_a (exp(S_ab − lseA_a) − wA_a [b ∈ P(a)]) + cB_b (exp(S_ab − lseB_b) − wB_b [a ∈ P(b)]), W_aa = 0 for one set:
    /// per step of 64 candidates, the threads recompute their 4×4 block of S, turn it into W in shared memory,
    /// then multiply W (64×64) by the candidates' slice (64×128), 16 candidates at a time.
    /// </summary>
    public static void GradientTiled(ViewRows anchors, ViewRows candidates, ViewSide anchorSide, ViewSide candidateSide, ArrayView<float> gradA, ContrastiveShape shape)
    {
        var tileA = SharedMemory.Allocate<float>(DepthChunk * Pad);
        var tileB = SharedMemory.Allocate<float>(DepthChunk * Pad);
        var weights = SharedMemory.Allocate<float>(TileRows * Pad);
        var slice = SharedMemory.Allocate<float>(DepthChunk * SliceWidth);
        int tx = Group.IdxX, ty = Group.IdxY, thread = ty * GroupSide + tx, d = shape.Dim;
        int rowBase = Grid.IdxX * TileRows, firstRow = rowBase + ty * 4, sliceBase = Grid.IdxY * SliceWidth;
        bool columnTerm = shape.HasColumnTerm != 0, readColumnKey = columnTerm || shape.ByLabel != 0;
        var rows = AnchorTerms.Load(anchorSide, firstRow, shape);
        MicroTile left = default, right = default; // dimensions sliceBase + tx + 16j, j = 0…3 and 4…7
        for (int colBase = 0; colBase < shape.RowsB; colBase += TileRows)
        {
            var dots = DotTile(anchors, rowBase, shape.RowsA, candidates, colBase, shape.RowsB, d, tileA, tileB);
            for (int j = 0; j < 4; j++)
            {
                int column = colBase + tx + GroupSide * j;
                var col = SoftmaxTerm.Load(candidateSide, column, shape.RowsB, readColumnKey, columnTerm);
                int at = ty * 4 * Pad + tx + GroupSide * j;
                weights[at] = GradientWeight(dots.R0.Get(j) * shape.InvTau, firstRow, rows.R0, column, col, shape);
                weights[at + Pad] = GradientWeight(dots.R1.Get(j) * shape.InvTau, firstRow + 1, rows.R1, column, col, shape);
                weights[at + 2 * Pad] = GradientWeight(dots.R2.Get(j) * shape.InvTau, firstRow + 2, rows.R2, column, col, shape);
                weights[at + 3 * Pad] = GradientWeight(dots.R3.Get(j) * shape.InvTau, firstRow + 3, rows.R3, column, col, shape);
            }
            Group.Barrier();
            for (int chunk = 0; chunk < TileRows; chunk += DepthChunk)
            {
                // slice[r][c] = candidates[colBase + chunk + r, sliceBase + c]: consecutive threads read consecutive dimensions.
                for (int e = thread; e < DepthChunk * SliceWidth; e += GroupSide * GroupSide)
                {
                    int b = colBase + chunk + e / SliceWidth, dim = sliceBase + e % SliceWidth;
                    slice[e] = b < shape.RowsB && dim < d ? candidates.Load(b, dim, d) : 0f;
                }
                Group.Barrier();
                for (int r = 0; r < DepthChunk; r++)
                {
                    var w = Float4.Load(weights, ty * 4 * Pad + chunk + r, Pad);
                    left.AddOuter(w, Float4.Load(slice, r * SliceWidth + tx, GroupSide));
                    right.AddOuter(w, Float4.Load(slice, r * SliceWidth + tx + 4 * GroupSide, GroupSide));
                }
                Group.Barrier();
            }
        }
        for (int i = 0; i < 4; i++)
        {
            int row = firstRow + i;
            if (row >= shape.RowsA) continue;
            WriteGradient(gradA, row * d, sliceBase + tx, GroupSide, d, left.Row(i).Scale(shape.InvTau));
            WriteGradient(gradA, row * d, sliceBase + tx + 4 * GroupSide, GroupSide, d, right.Row(i).Scale(shape.InvTau));
        }
    }

    /// <summary>
    /// The group's 64 anchors (rows rowBase…) dotted with 64 candidates (rows colBase…), over all D
    /// dimensions: thread (tx, ty) gets anchors rowBase + ty·4 + i and candidates colBase + tx + 16j.
    /// Rows past the end count as zero. Every thread of the group must call it (it has barriers).
    /// </summary>
    private static MicroTile DotTile(ViewRows a, int rowBase, int rowsA, ViewRows b, int colBase, int rowsB, int d,
        ArrayView<float> tileA, ArrayView<float> tileB)
    {
        int tx = Group.IdxX, ty = Group.IdxY, thread = ty * GroupSide + tx;
        MicroTile dots = default;
        for (int k0 = 0; k0 < d; k0 += DepthChunk)
        {
            // tile[k][r] = x[base + r, k0 + k]; consecutive threads read consecutive dimensions of one row.
            for (int e = thread; e < TileRows * DepthChunk; e += GroupSide * GroupSide)
            {
                int r = e / DepthChunk, k = e % DepthChunk, dim = k0 + k;
                int ra = rowBase + r, rb = colBase + r;
                tileA[k * Pad + r] = ra < rowsA && dim < d ? a.Load(ra, dim, d) : 0f;
                tileB[k * Pad + r] = rb < rowsB && dim < d ? b.Load(rb, dim, d) : 0f;
            }
            Group.Barrier();
            for (int k = 0; k < DepthChunk; k++)
                dots.AddOuter(Float4.Load(tileA, k * Pad + ty * 4, 1), Float4.Load(tileB, k * Pad + tx, GroupSide));
            Group.Barrier();
        }
        return dots;
    }

    /// <summary>
    /// W_ab of <see cref="GradientNaive"/> for one anchor (row) and candidate (column) whose similarity is s:
    /// cA (exp(s − anchorSide.Lse) − wA [b ∈ P(a)]) + cB (exp(s − candidateSide.Lse) − wB [a ∈ P(b)]), each term where the shape has it
    /// (without the exp of a positive when the shape excludes positives);
    /// 0 past either set's end and on the excluded diagonal.
    /// </summary>
    private static float GradientWeight(float s, int row, SoftmaxTerm rowTerm, int column, SoftmaxTerm columnTerm, ContrastiveShape shape)
    {
        if (row >= shape.RowsA || column >= shape.RowsB || (shape.ExcludeDiagonal != 0 && row == column)) return 0f;
        float w = 0f;
        if (shape.HasRowTerm != 0)
        {
            bool positive = shape.ByLabel != 0 ? rowTerm.Key == columnTerm.Key : rowTerm.Key == column;
            w += rowTerm.Coefficient * (SoftmaxPart(s, rowTerm.Lse, positive, shape) - (positive ? rowTerm.PositiveWeight : 0f));
        }
        if (shape.HasColumnTerm != 0)
        {
            bool positive = shape.ByLabel != 0 ? columnTerm.Key == rowTerm.Key : columnTerm.Key == row;
            w += columnTerm.Coefficient * (SoftmaxPart(s, columnTerm.Lse, positive, shape) - (positive ? columnTerm.PositiveWeight : 0f));
        }
        return w;
    }

    /// <summary>exp(s − lse): the candidate's softmax probability, 0 for a positive when the shape leaves positives out of the denominator.</summary>
    private static float SoftmaxPart(float s, float lse, bool positive, ContrastiveShape shape) =>
        positive && shape.ExcludePositives != 0 ? 0f : MathF.Exp(s - lse);

    /// <summary>Which of the four candidates are in range and not the anchor itself (one set).</summary>
    private static Bool4 Valid(int row, Int4 columns, ContrastiveShape shape) => new(
        IsCandidate(row, columns.X, shape), IsCandidate(row, columns.Y, shape), IsCandidate(row, columns.Z, shape), IsCandidate(row, columns.W, shape));

    private static bool IsCandidate(int row, int column, ContrastiveShape shape) =>
        row < shape.RowsA && column < shape.RowsB && !(shape.ExcludeDiagonal != 0 && row == column);

    /// <summary>Which of the four candidates are positives of the anchor (by index, or by label: columnKeys).</summary>
    private static Bool4 Positive(int rowKey, int row, Int4 columns, Int4 columnKeys, ContrastiveShape shape) => new(
        IsCandidate(row, columns.X, shape) && rowKey == (shape.ByLabel != 0 ? columnKeys.X : columns.X),
        IsCandidate(row, columns.Y, shape) && rowKey == (shape.ByLabel != 0 ? columnKeys.Y : columns.Y),
        IsCandidate(row, columns.Z, shape) && rowKey == (shape.ByLabel != 0 ? columnKeys.Z : columns.Z),
        IsCandidate(row, columns.W, shape) && rowKey == (shape.ByLabel != 0 ? columnKeys.W : columns.W));

    /// <summary>
    /// Rows firstRow … + 3 of a tiled row-statistics kernel after one 4×4 block of their scaled logits (row i's in
    /// <paramref name="r0"/> … <paramref name="r3"/>, against <paramref name="columns"/>): the one place variants 2 and 4 add
    /// a block, with its validity and positive masks.
    /// </summary>
    private static AnchorStates Accumulate(AnchorStates states, Float4 r0, Float4 r1, Float4 r2, Float4 r3, int firstRow, Int4 rowKeys,
        Int4 columns, Int4 columnKeys, ContrastiveShape shape)
    {
        bool exclude = shape.ExcludePositives != 0;
        return new AnchorStates
        {
            S0 = states.S0.Add(r0, Valid(firstRow, columns, shape), Positive(rowKeys.X, firstRow, columns, columnKeys, shape), exclude),
            S1 = states.S1.Add(r1, Valid(firstRow + 1, columns, shape), Positive(rowKeys.Y, firstRow + 1, columns, columnKeys, shape), exclude),
            S2 = states.S2.Add(r2, Valid(firstRow + 2, columns, shape), Positive(rowKeys.Z, firstRow + 2, columns, columnKeys, shape), exclude),
            S3 = states.S3.Add(r3, Valid(firstRow + 3, columns, shape), Positive(rowKeys.W, firstRow + 3, columns, columnKeys, shape), exclude),
        };
    }

    /// <summary>
    /// The end of the tiled row-statistics kernels: each of a thread's four row states (rows firstRow + i) merged over the
    /// 16 lanes that share the row (every lane must call it: warp shuffles or group barriers), then written by lane tx = 0.
    /// </summary>
    private static void MergeAndWriteRowStats<TExchange>(AnchorStates states, int tx, int firstRow,
        ViewSide side, int rows, TExchange exchange) where TExchange : struct, ILaneExchange<TExchange>
    {
        var s0 = states.S0.MergeAcross16Lanes(exchange);
        var s1 = states.S1.MergeAcross16Lanes(exchange);
        var s2 = states.S2.MergeAcross16Lanes(exchange);
        var s3 = states.S3.MergeAcross16Lanes(exchange);
        if (tx != 0) return;
        WriteRowStats(s0, firstRow, side, rows);
        WriteRowStats(s1, firstRow + 1, side, rows);
        WriteRowStats(s2, firstRow + 2, side, rows);
        WriteRowStats(s3, firstRow + 3, side, rows);
    }

    private static void WriteRowStats(SoftmaxState state, int row, ViewSide side, int rows)
    {
        if (row >= rows) return;
        side.Lse[row] = state.LogSumExp;
        side.PositiveLogit[row] = state.Positive * side.PositiveWeight[row];
    }

    /// <summary>Writes value.X at dimension firstDim, .Y at firstDim + stride, … (those below d).</summary>
    private static void WriteGradient(ArrayView<float> grad, int rowStart, int firstDim, int stride, int d, Float4 value)
    {
        if (firstDim < d) grad[rowStart + firstDim] = value.X;
        if (firstDim + stride < d) grad[rowStart + firstDim + stride] = value.Y;
        if (firstDim + 2 * stride < d) grad[rowStart + firstDim + 2 * stride] = value.Z;
        if (firstDim + 3 * stride < d) grad[rowStart + firstDim + 3 * stride] = value.W;
    }
}
