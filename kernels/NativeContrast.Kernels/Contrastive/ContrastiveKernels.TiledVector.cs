using ILGPU;
using ILGPU.Runtime;

namespace NativeContrast.Kernels;

/// <summary>
/// Variant 4 of the fused contrastive kernels: variant 2 with 16-byte shared-memory loads (see the header in
/// ContrastiveKernels.cs). Rows are staged as stored; their factors (<see cref="ScaledRows{TValues}"/>) multiply the products,
/// S_ab = (x_a·x_b)·s_a·s_b/τ, and the backward folds s_b into W, so staging loads no factor per element.
/// </summary>
public static partial class ContrastiveKernels
{
    /// <summary>
    /// Row stride of variant 4's shared tiles. A multiple of 4, so that every run of four floats starting at a multiple
    /// of 4 is 16-byte aligned and loads as one vector (<c>ld.shared.v4.f32</c>); 68 rather than 64 so that the
    /// transposed stores of one warp (16 dimensions k of two rows: banks 4k + r mod 32) meet at most two to a bank.
    /// </summary>
    private const int VectorPad = TileRows + 4;

    /// <summary>Float4 elements per row of a <see cref="VectorPad"/>-wide tile, and per row of the gradient's slice.</summary>
    private const int VectorRow = VectorPad / 4, SliceVectorRow = SliceWidth / 4;

    /// <summary>
    /// Variant 4 of <see cref="RowStatsNaive"/>; variant 2 (<see cref="RowStatsTiled"/>) with thread (tx, ty) owning
    /// candidates colBase + 4tx + j instead of colBase + tx + 16j, so its four candidates, like its four anchors, are
    /// adjacent in shared memory: per dimension, two vector loads feed the 16 FMAs instead of eight scalar ones.
    /// Grid: ⌈RowsA/64⌉ groups of 16×16 threads.
    /// </summary>
    public static void RowStatsTiledVector<TExchange>(ViewRows anchors, ViewRows candidates, ViewSide anchorSide, ArrayView<int> keyB, ContrastiveShape shape)
        where TExchange : struct, ILaneExchange<TExchange> =>
        RowStatsTiledWith<VectorTiles, TExchange>(anchors, candidates, anchorSide, keyB, shape);

    /// <summary>
    /// Variant 4's 4×4 blocks: anchors rowBase + 4ty + i against candidates colBase + 4tx + j, staged as stored in
    /// <see cref="VectorPad"/>-wide shared tiles and read as 16-byte vectors (<see cref="DotTileVector"/>); the rows'
    /// factors (and 1/τ) multiply the products.
    /// </summary>
    public struct VectorTiles : ITiledLogits<VectorTiles>
    {
        private ArrayView<float> tileA, tileB;
        private Float4 rowScales;

        /// <inheritdoc/>
        public readonly VectorTiles Prepare(ViewRows anchors, int firstRow, ContrastiveShape shape) => new()
        {
            tileA = SharedMemory.Allocate<float>(DepthChunk * VectorPad),
            tileB = SharedMemory.Allocate<float>(DepthChunk * VectorPad),
            rowScales = RowScales(anchors, firstRow, shape.RowsA).Scale(shape.InvTau),
        };

        /// <inheritdoc/>
        public readonly MicroTile Logits(ViewRows anchors, int rowBase, ViewRows candidates, int colBase, ContrastiveShape shape)
        {
            var dots = DotTileVector(anchors, rowBase, shape.RowsA, candidates, colBase, shape.RowsB, shape.Dim, tileA, tileB);
            var columnScales = RowScales(candidates, colBase + Group.IdxX * 4, shape.RowsB);
            return new MicroTile
            {
                R0 = dots.R0.Times(columnScales).Scale(rowScales.X),
                R1 = dots.R1.Times(columnScales).Scale(rowScales.Y),
                R2 = dots.R2.Times(columnScales).Scale(rowScales.Z),
                R3 = dots.R3.Times(columnScales).Scale(rowScales.W),
            };
        }

        /// <inheritdoc/>
        public readonly Int4 Columns(int colBase, int tx) => new(colBase + tx * 4, colBase + tx * 4 + 1, colBase + tx * 4 + 2, colBase + tx * 4 + 3);

        /// <inheritdoc/>
        public readonly int ColumnStride => 1;
    }

    /// <summary>
    /// Variant 4 of <see cref="GradientNaive"/>: <see cref="GradientTiled"/> (same W, same grid of ⌈RowsA/64⌉ × ⌈D/128⌉
    /// groups of 16×16 threads) with vector loads. W is kept transposed in shared memory (candidate-major, rows
    /// 68 floats apart), so a thread reads the weights of its four anchors for one candidate as one vector, and its
    /// eight dimensions are 4tx + j and 64 + 4tx + j (two vectors of the slice): per candidate, three vector loads
    /// feed 32 FMAs where variant 2 issues twelve scalar loads.
    /// </summary>
    public static void GradientTiledVector(ViewRows anchors, ViewRows candidates, ViewSide anchorSide, ViewSide candidateSide, ArrayView<float> gradA, ContrastiveShape shape)
    {
        var tileA = SharedMemory.Allocate<float>(DepthChunk * VectorPad);
        var tileB = SharedMemory.Allocate<float>(DepthChunk * VectorPad);
        var weights = SharedMemory.Allocate<float>(TileRows * VectorPad);
        var slice = SharedMemory.Allocate<float>(DepthChunk * SliceWidth);
        var weightVectors = weights.Cast<Float4>().AsAligned16();
        var sliceVectors = slice.Cast<Float4>().AsAligned16();
        int tx = Group.IdxX, ty = Group.IdxY, thread = ty * GroupSide + tx, d = shape.Dim;
        int rowBase = Grid.IdxX * TileRows, firstRow = rowBase + ty * 4, sliceBase = Grid.IdxY * SliceWidth;
        bool columnTerm = shape.HasColumnTerm != 0, readColumnKey = columnTerm || shape.ByLabel != 0;
        var rows = AnchorTerms.Load(anchorSide, firstRow, shape);
        var rowScales = RowScales(anchors, firstRow, shape.RowsA).Scale(shape.InvTau);
        MicroTile left = default, right = default; // dimensions sliceBase + 4tx + j and sliceBase + 64 + 4tx + j, j = 0…3
        for (int colBase = 0; colBase < shape.RowsB; colBase += TileRows)
        {
            var dots = DotTileVector(anchors, rowBase, shape.RowsA, candidates, colBase, shape.RowsB, d, tileA, tileB);
            for (int j = 0; j < 4; j++)
            {
                int candidate = tx * 4 + j, column = colBase + candidate;
                var col = SoftmaxTerm.Load(candidateSide, column, shape.RowsB, readColumnKey, columnTerm);
                float columnScale = candidates.RowScaleOrZero(column, shape.RowsB);
                // weights[candidate][ty·4 + i] = W(anchor firstRow + i, candidate)·s_candidate: the slice is staged as stored.
                weightVectors[candidate * VectorRow + ty] = new Float4(
                    GradientWeight(dots.R0.Get(j) * rowScales.X * columnScale, firstRow, rows.R0, column, col, shape),
                    GradientWeight(dots.R1.Get(j) * rowScales.Y * columnScale, firstRow + 1, rows.R1, column, col, shape),
                    GradientWeight(dots.R2.Get(j) * rowScales.Z * columnScale, firstRow + 2, rows.R2, column, col, shape),
                    GradientWeight(dots.R3.Get(j) * rowScales.W * columnScale, firstRow + 3, rows.R3, column, col, shape)).Scale(columnScale);
            }
            Group.Barrier();
            for (int chunk = 0; chunk < TileRows; chunk += DepthChunk)
            {
                // slice[r][c] = candidates[colBase + chunk + r, sliceBase + c]: consecutive threads read consecutive dimensions
                // (thread t: column t % 128 of rows t / 128 + 2i, by mask and shift as in DotTileVector).
                int sliceColumn = thread & (SliceWidth - 1), sliceDim = sliceBase + sliceColumn, clampedSliceDim = Math.Min(sliceDim, d - 1);
                bool insideSlice = sliceDim < d;
                for (int r = thread >> 7; r < DepthChunk; r += GroupSide * GroupSide / SliceWidth)
                {
                    int b = colBase + chunk + r;
                    float v = candidates.LoadRaw(Math.Min(b, shape.RowsB - 1), clampedSliceDim, d);
                    slice[r * SliceWidth + sliceColumn] = insideSlice && b < shape.RowsB ? v : 0f;
                }
                Group.Barrier();
                // Two candidates a pass, from base views, so that the loads take constant offsets (as in DotTileVector).
                var ownWeights = weightVectors.SubView(chunk * VectorRow + ty);
                var ownSlice = sliceVectors.SubView(tx);
                for (int r = 0; r < DepthChunk; r += 2)
                    AddWeighted2(ref left, ref right, ownWeights.SubView(r * VectorRow), ownSlice.SubView(r * SliceVectorRow));
                Group.Barrier();
            }
        }
        for (int i = 0; i < 4; i++)
        {
            int row = firstRow + i;
            if (row >= shape.RowsA) continue;
            WriteGradient(gradA, row * d, sliceBase + tx * 4, 1, d, left.Row(i).Scale(shape.InvTau));
            WriteGradient(gradA, row * d, sliceBase + 4 * GroupSide + tx * 4, 1, d, right.Row(i).Scale(shape.InvTau));
        }
    }

    /// <summary>
    /// <see cref="DotTile"/> for variant 4: thread (tx, ty) gets anchors rowBase + 4ty + i and candidates
    /// colBase + 4tx + j, each set of four read from shared memory as one 16-byte vector per dimension. The rows as
    /// stored: their factors are not applied.
    /// Every thread of the group must call it (it has barriers).
    /// </summary>
    private static MicroTile DotTileVector(ViewRows a, int rowBase, int rowsA, ViewRows b, int colBase, int rowsB, int d,
        ArrayView<float> tileA, ArrayView<float> tileB)
    {
        int tx = Group.IdxX, ty = Group.IdxY, thread = ty * GroupSide + tx;
        var vectorsA = tileA.Cast<Float4>().AsAligned16();
        var vectorsB = tileB.Cast<Float4>().AsAligned16();
        MicroTile dots = default;
        for (int k0 = 0; k0 < d; k0 += DepthChunk)
        {
            // tile[k][r] = x[base + r, k0 + k]; consecutive threads read consecutive dimensions of one row. Thread t stages
            // dimension k0 + t % 16 of rows t / 16 + 16i, by mask and shift (e / 16 and e % 16 of a running index cost a
            // signed division each), and loads from a clamped index, zeroing afterwards, so no load sits behind a branch.
            int k = thread & (DepthChunk - 1), dim = k0 + k, clampedDim = Math.Min(dim, d - 1);
            bool insideD = dim < d;
            for (int r = thread >> 4; r < TileRows; r += GroupSide * GroupSide / DepthChunk)
            {
                int ra = rowBase + r, rb = colBase + r;
                float va = a.LoadRaw(Math.Min(ra, rowsA - 1), clampedDim, d), vb = b.LoadRaw(Math.Min(rb, rowsB - 1), clampedDim, d);
                tileA[k * VectorPad + r] = insideD && ra < rowsA ? va : 0f;
                tileB[k * VectorPad + r] = insideD && rb < rowsB ? vb : 0f;
            }
            Group.Barrier();
            // Written out for all 16 dimensions (neither ILGPU nor ptxas unrolls the loop): as a loop, index arithmetic,
            // compare and branch were 9 of every 25 instructions; from the two base views every load is at a constant offset.
            var ownA = vectorsA.SubView(ty);
            var ownB = vectorsB.SubView(tx);
            for (int at = 0; at < DepthChunk * VectorRow; at += 4 * VectorRow)
                AddOuter4(ref dots, ownA.SubView(at), ownB.SubView(at));
            Group.Barrier();
        }
        return dots;
    }

    /// <summary>The factors of rows first … first + 3 (0 at or past <paramref name="count"/>).</summary>
    private static Float4 RowScales(ViewRows rows, int first, int count) => new(
        rows.RowScaleOrZero(first, count), rows.RowScaleOrZero(first + 1, count), rows.RowScaleOrZero(first + 2, count), rows.RowScaleOrZero(first + 3, count));

    /// <summary>
    /// Two candidates of <see cref="GradientTiledVector"/>'s W·slice product: weights w[0] (the thread's four anchors, first
    /// candidate) and w[VectorRow] (second) times the slice's rows slice[0…] and slice[SliceVectorRow…], dimensions 4tx + j
    /// into <paramref name="left"/> and 64 + 4tx + j into <paramref name="right"/>.
    /// </summary>
    private static void AddWeighted2(ref MicroTile left, ref MicroTile right, ArrayView<Float4> w, ArrayView<Float4> slice)
    {
        var first = w[0];
        left.AddOuter(first, slice[0]);
        right.AddOuter(first, slice[GroupSide]);
        var second = w[VectorRow];
        left.AddOuter(second, slice[SliceVectorRow]);
        right.AddOuter(second, slice[SliceVectorRow + GroupSide]);
    }

    /// <summary>Four dimensions of <see cref="DotTileVector"/>: the outer products of a[k·VectorRow] and b[k·VectorRow], k = 0…3.</summary>
    private static void AddOuter4(ref MicroTile dots, ArrayView<Float4> a, ArrayView<Float4> b)
    {
        dots.AddOuter(a[0], b[0]);
        dots.AddOuter(a[VectorRow], b[VectorRow]);
        dots.AddOuter(a[2 * VectorRow], b[2 * VectorRow]);
        dots.AddOuter(a[3 * VectorRow], b[3 * VectorRow]);
    }
}
