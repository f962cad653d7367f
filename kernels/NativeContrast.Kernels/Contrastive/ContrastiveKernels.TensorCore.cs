using ILGPU;
using ILGPU.Runtime;

namespace NativeContrast.Kernels;

/// <summary>
/// Variants 3 and 5 of the fused contrastive kernels: the similarity blocks (and, in the backward, W·B) on TF32
/// tensor cores through <see cref="Tf32Mma"/> (inline PTX <c>mma.sync m16n8k8</c>, fp32 accumulation),
/// with a software twin of the mma so ILGPU's CPU accelerator runs the same code. The kernels are generic over
/// their operands (<see cref="ITensorCoreOperands"/>): <see cref="Tf32Operands"/> rounds every value to TF32 (variant 3),
/// <see cref="SplitTf32Operands"/> keeps fp32 accuracy with three mma per tile (variant 5, "3xTF32").
/// A group is 4 warps (128 threads) owning 64 anchors, 16 per warp; candidates stream 64 at a time.
/// A and B are staged in shared memory 32 dimensions at a time as stored (as the operands' Stage writes them); the rows' factors
/// (<see cref="ScaledRows{TValues}"/>, 1/‖x‖ for normalizing losses) multiply the products instead, S_ab = (x_a·x_b)·s_a·s_b/τ,
/// and the backward folds s_b into W. Staging then loads one value per element and does no per-element multiply
/// (it was about 35 instructions per element in the SASS, most of the kernel's). Each lane keeps the online
/// log-sum-exp of its two rows (g and g + 8) over its columns; the 4 lanes of a quad merge at the end.
/// Fragment loads in pairs: the mma's k = t and k = t + 4 of a lane are read from positions 2t and 2t + 1 of
/// the 8-wide chunk, in A and in B alike. That permutes k in both operands, which leaves Σ_k A·B unchanged,
/// and makes each pair one 8-byte load (<see cref="UInt2"/>): per 8 mma of the similarity product, 10 shared
/// loads instead of 20. Row pitches of 40 and 72 words (8 mod 32) let a half-warp's 16 pairs (4 rows × 4 t)
/// cover the 32 banks once.
/// </summary>
public static partial class ContrastiveKernels
{
    /// <summary>Threads per group of the tensor-core variant (4 warps).</summary>
    public const int TensorCoreGroupSize = 128;

    /// <summary>Dimensions of dA one group of the tensor-core gradient writes (8 n-tiles of 8).</summary>
    public const int TensorCoreSliceWidth = 64;

    /// <summary>Shared words for the software mma's fragment exchange (4 warps; unused on CUDA).</summary>
    private const int TensorCoreScratch = TensorCoreGroupSize / 32 * Tf32Mma.ScratchWordsPerWarp;

    /// <summary>Dimensions staged at a time: the warp size, lane k staging dimension k (Similarities); pitches in words.</summary>
    private const int StageDepth = 32, StagePitch = StageDepth + 8, WeightPitch = TileRows + 8, SlicePitch = TensorCoreSliceWidth + 4;

    /// <summary>Variant 3 of <see cref="RowStatsNaive"/> on CUDA (declares the accumulator registers, then <see cref="RowStatsTensorCoreSoftware"/>'s body).</summary>
    public static void RowStatsTensorCore<TOperands>(ViewRows anchors, ViewRows candidates, ViewSide anchorSide, ArrayView<int> keyB, ContrastiveShape shape)
        where TOperands : struct, ITensorCoreOperands
    {
        Tf32Mma.Declare();
        RowStatsTensorCoreSoftware<TOperands, WarpShuffleExchange>(anchors, candidates, anchorSide, keyB, shape);
    }

    /// <summary>
    /// Variants 3 and 5 of <see cref="RowStatsNaive"/>, as launched on accelerators other than CUDA (software mma).
    /// Grid: ⌈RowsA/64⌉ groups of 128 threads.
    /// lse[a] = ln Σ_b exp S_ab over candidates (b ≠ a for one set); positiveLogit[a] = w_a Σ_{b∈P(a)} S_ab.
    /// </summary>
    public static void RowStatsTensorCoreSoftware<TOperands, TExchange>(ViewRows anchors, ViewRows candidates, ViewSide anchorSide, ArrayView<int> keyB, ContrastiveShape shape)
        where TOperands : struct, ITensorCoreOperands
        where TExchange : struct, ILaneExchange<TExchange>
    {
        var exchange = default(TExchange).Prepare();
        var stage = SharedMemory.Allocate<uint>(2 * TileRows * StagePitch);
        var scratch = SharedMemory.Allocate<uint>(TensorCoreScratch);
        int lane = Group.IdxX & 31, g = lane >> 2, t = lane & 3; // see Similarities: no Warp.* and no division
        int rowBase = Grid.IdxX * TileRows, rowG = rowBase + (Group.IdxX >> 5) * 16 + g, rowG8 = rowG + 8;
        int keyG = rowG < shape.RowsA ? anchorSide.Keys[rowG] : -1, keyG8 = rowG8 < shape.RowsA ? anchorSide.Keys[rowG8] : -1;
        float scaleG = anchors.RowScaleOrZero(rowG, shape.RowsA) * shape.InvTau, scaleG8 = anchors.RowScaleOrZero(rowG8, shape.RowsA) * shape.InvTau;
        SoftmaxState stateG = SoftmaxState.Empty, stateG8 = SoftmaxState.Empty;
        MmaAccumulators s = default;
        for (int colBase = 0; colBase < shape.RowsB; colBase += TileRows)
        {
            s = Similarities<TOperands>(anchors, rowBase, candidates, colBase, shape, stage, scratch, s);
            for (int n = 0; n < 8; n += 2)
            {
                // Lane holds columns n·8 + 2t, +1 and (n+1)·8 + 2t, +1 of rows g (c0, c1) and g + 8 (c2, c3).
                int first = colBase + n * 8 + 2 * t;
                var c = ScaleFragment(Tf32Mma.Read(s, 0, n), scaleG, scaleG8,
                    candidates.RowScaleOrZero(first, shape.RowsB), candidates.RowScaleOrZero(first + 1, shape.RowsB));
                var e = ScaleFragment(Tf32Mma.Read(s, 0, n + 1), scaleG, scaleG8,
                    candidates.RowScaleOrZero(first + 8, shape.RowsB), candidates.RowScaleOrZero(first + 9, shape.RowsB));
                var columns = new Int4(first, first + 1, first + 8, first + 9);
                var columnKeys = shape.ByLabel != 0 ? Int4.Gather(keyB, columns, shape.RowsB) : default;
                stateG = stateG.Add(new Float4(c.X, c.Y, e.X, e.Y), Valid(rowG, columns, shape), Positive(keyG, rowG, columns, columnKeys, shape), shape.ExcludePositives != 0);
                stateG8 = stateG8.Add(new Float4(c.Z, c.W, e.Z, e.W), Valid(rowG8, columns, shape), Positive(keyG8, rowG8, columns, columnKeys, shape), shape.ExcludePositives != 0);
            }
        }
        stateG = stateG.MergeAcrossQuad(exchange);
        stateG8 = stateG8.MergeAcrossQuad(exchange);
        if (t != 0) return;
        WriteRowStats(stateG, rowG, anchorSide, shape.RowsA);
        WriteRowStats(stateG8, rowG8, anchorSide, shape.RowsA);
    }

    /// <summary>Variant 3 of <see cref="GradientNaive"/> on CUDA (declares the accumulator registers, then <see cref="GradientTensorCoreSoftware"/>'s body).</summary>
    public static void GradientTensorCore<TOperands>(ViewRows anchors, ViewRows candidates, ViewSide anchorSide, ViewSide candidateSide, ArrayView<float> gradA, ContrastiveShape shape)
        where TOperands : struct, ITensorCoreOperands
    {
        Tf32Mma.Declare();
        GradientTensorCoreSoftware<TOperands>(anchors, candidates, anchorSide, candidateSide, gradA, shape);
    }

    /// <summary>
    /// Variants 3 and 5 of <see cref="GradientNaive"/>, as launched on accelerators other than CUDA (software mma). Grid: ⌈RowsA/64⌉ × ⌈D/64⌉ groups of 128 threads; group (x, y)
    /// writes dA for anchors 64x… and dimensions 64y….
    /// dA_a = (1/τ) Σ_b W_ab b_b with
    /// W_ab = cA_a (exp(S_ab − lseA_a) − wA_a [b ∈ P(a)]) + cB_b (exp(S_ab − lseB_b) − wB_b [a ∈ P(b)]), W_aa = 0 for one set.
    /// Per step of 64 candidates: S on tensor cores (register set 0), W to shared memory (as the operands stage it), then
    /// dA += W × B_slice on tensor cores (register set 1, kept over all steps).
    /// </summary>
    public static void GradientTensorCoreSoftware<TOperands>(ViewRows anchors, ViewRows candidates, ViewSide anchorSide, ViewSide candidateSide, ArrayView<float> gradA, ContrastiveShape shape)
        where TOperands : struct, ITensorCoreOperands
    {
        TOperands operands = default;
        // The staging area holds A and B chunks while S is computed, then the candidates' slice (64 × 64 at pitch 68).
        var stage = SharedMemory.Allocate<uint>(2 * TileRows * StagePitch);
        var weights = SharedMemory.Allocate<uint>(TileRows * WeightPitch);
        var scratch = SharedMemory.Allocate<uint>(TensorCoreScratch);
        var weightPairs = weights.Cast<UInt2>().AsAligned(8);
        int thread = Group.IdxX, warp = thread >> 5, lane = thread & 31, g = lane >> 2, t = lane & 3, d = shape.Dim; // see Similarities
        int rowBase = Grid.IdxX * TileRows, localG = warp * 16 + g, rowG = rowBase + localG, rowG8 = rowG + 8;
        int sliceBase = Grid.IdxY * TensorCoreSliceWidth;
        bool rowTerm = shape.HasRowTerm != 0, columnTerm = shape.HasColumnTerm != 0;
        // A's keys are read only by the row term and by label matching (see GradientTiled).
        bool readRowKey = rowTerm || shape.ByLabel != 0, readColumnKey = columnTerm || shape.ByLabel != 0;
        var termG = SoftmaxTerm.Load(anchorSide, rowG, shape.RowsA, readRowKey, rowTerm);
        var termG8 = SoftmaxTerm.Load(anchorSide, rowG8, shape.RowsA, readRowKey, rowTerm);
        float scaleG = anchors.RowScaleOrZero(rowG, shape.RowsA) * shape.InvTau, scaleG8 = anchors.RowScaleOrZero(rowG8, shape.RowsA) * shape.InvTau;
        MmaAccumulators s = default, grad = default;
        grad = Tf32Mma.Clear(grad, 1);
        for (int colBase = 0; colBase < shape.RowsB; colBase += TileRows)
        {
            s = Similarities<TOperands>(anchors, rowBase, candidates, colBase, shape, stage, scratch, s);
            for (int n = 0; n < 8; n++)
            {
                // Lane holds columns n·8 + 2t (c0 row g, c2 row g + 8) and n·8 + 2t + 1 (c1, c3). W is stored times the
                // column's factor s_b, because the slice below is staged as stored: W_ab·y_b = (W_ab·s_b)·x_b.
                int local = n * 8 + 2 * t, column = colBase + local;
                float scale0 = candidates.RowScaleOrZero(column, shape.RowsB), scale1 = candidates.RowScaleOrZero(column + 1, shape.RowsB);
                var c = ScaleFragment(Tf32Mma.Read(s, 0, n), scaleG, scaleG8, scale0, scale1);
                var first = SoftmaxTerm.Load(candidateSide, column, shape.RowsB, readColumnKey, columnTerm);
                var second = SoftmaxTerm.Load(candidateSide, column + 1, shape.RowsB, readColumnKey, columnTerm);
                weights[localG * WeightPitch + local] = operands.Stage(GradientWeight(c.X, rowG, termG, column, first, shape) * scale0);
                weights[localG * WeightPitch + local + 1] = operands.Stage(GradientWeight(c.Y, rowG, termG, column + 1, second, shape) * scale1);
                weights[(localG + 8) * WeightPitch + local] = operands.Stage(GradientWeight(c.Z, rowG8, termG8, column, first, shape) * scale0);
                weights[(localG + 8) * WeightPitch + local + 1] = operands.Stage(GradientWeight(c.W, rowG8, termG8, column + 1, second, shape) * scale1);
            }
            // slice[b][k] = candidates[colBase + b, sliceBase + k] as stored (as the operands stage it); the similarities are done with the staging
            // area. Lane k (and k + 32) of warp w: rows w, w + 4, …, so a warp reads 128 contiguous bytes of a row.
            // (Clamped loads as in Similarities.)
            int sliceDim = sliceBase + lane, clamped0 = Math.Min(sliceDim, d - 1), clamped1 = Math.Min(sliceDim + 32, d - 1);
            for (int r = warp; r < TileRows; r += TensorCoreGroupSize / 32)
            {
                int b = colBase + r, clampedB = Math.Min(b, shape.RowsB - 1);
                bool inside = b < shape.RowsB;
                float v0 = candidates.LoadRaw(clampedB, clamped0, d), v1 = candidates.LoadRaw(clampedB, clamped1, d);
                stage[r * SlicePitch + lane] = operands.Stage(inside && sliceDim < d ? v0 : 0f);
                stage[r * SlicePitch + lane + 32] = operands.Stage(inside && sliceDim + 32 < d ? v1 : 0f);
            }
            Group.Barrier();
            for (int kk = 0; kk < TileRows; kk += 8)
            {
                // A = W (16 rows of this warp × 8 candidates), B = slice (8 candidates × 8 dimensions per n-tile). The lane's
                // k = t, t + 4 are candidates kk + 2t, kk + 2t + 1: one pair of W per row, two adjacent rows of the slice.
                // Loads from base views at constant offsets (see Similarities).
                var w = weightPairs.SubView((localG * WeightPitch + kk + 2 * t) / 2);
                UInt2 wg = w[0], wg8 = w[8 * WeightPitch / 2];
                var a = operands.FragmentA(wg.X, wg8.X, wg.Y, wg8.Y);
                var b = stage.SubView((kk + 2 * t) * SlicePitch + g);
                grad = operands.Mma(grad, 1, 0, a, b[0], b[SlicePitch], scratch);
                grad = operands.Mma(grad, 1, 1, a, b[8], b[SlicePitch + 8], scratch);
                grad = operands.Mma(grad, 1, 2, a, b[16], b[SlicePitch + 16], scratch);
                grad = operands.Mma(grad, 1, 3, a, b[24], b[SlicePitch + 24], scratch);
                grad = operands.Mma(grad, 1, 4, a, b[32], b[SlicePitch + 32], scratch);
                grad = operands.Mma(grad, 1, 5, a, b[40], b[SlicePitch + 40], scratch);
                grad = operands.Mma(grad, 1, 6, a, b[48], b[SlicePitch + 48], scratch);
                grad = operands.Mma(grad, 1, 7, a, b[56], b[SlicePitch + 56], scratch);
            }
            Group.Barrier();
        }
        for (int n = 0; n < 8; n++)
        {
            var c = Tf32Mma.Read(grad, 1, n).Scale(shape.InvTau);
            int dim = sliceBase + n * 8 + 2 * t;
            if (rowG < shape.RowsA)
            {
                if (dim < d) gradA[rowG * d + dim] = c.X;
                if (dim + 1 < d) gradA[rowG * d + dim + 1] = c.Y;
            }
            if (rowG8 < shape.RowsA)
            {
                if (dim < d) gradA[rowG8 * d + dim] = c.Z;
                if (dim + 1 < d) gradA[rowG8 * d + dim + 1] = c.W;
            }
        }
    }

    /// <summary>
    /// This warp's 16 anchors × the 64 candidates colBase… (register set 0), over all D dimensions, on
    /// tensor cores: the products of the rows as stored, without their factors (<see cref="ScaleFragment"/> applies them).
    /// Every thread of the group must call it (it has barriers).
    /// </summary>
    private static MmaAccumulators Similarities<TOperands>(ViewRows anchors, int rowBase, ViewRows candidates, int colBase,
        ContrastiveShape shape, ArrayView<uint> stage, ArrayView<uint> scratch, MmaAccumulators s)
        where TOperands : struct, ITensorCoreOperands
    {
        TOperands operands = default;
        // Lane, warp, g and t from tid.x by shifts and masks (the group is 1-D). With Warp.LaneIdx, Warp.WarpIdx, / 4 and % 4
        // the SASS of the loop below re-read the thread registers and ran two signed divisions on every pass: ILGPU
        // computes those values again where they are used, and ptxas did not move them out of the loop.
        int thread = Group.IdxX, lane = thread & 31, g = lane >> 2, t = lane & 3, d = shape.Dim;
        int localG = (thread >> 5) * 16 + g, bOffset = TileRows * StagePitch;
        var pairs = stage.Cast<UInt2>().AsAligned(8);
        const int PairPitch = StagePitch / 2;
        s = Tf32Mma.Clear(s, 0);
        for (int k0 = 0; k0 < d; k0 += StageDepth)
        {
            // stage[r][k] = A[rowBase + r, k0 + k] and, after it, B[colBase + r, k0 + k], as stored (the factors multiply the
            // products), as the operands stage it. Lane k of warp w: dimension k0 + k of rows w, w + 4, …, so a warp reads 128 contiguous bytes.
            // Loads from clamped indices, zeroed afterwards, so that no load sits behind a branch.
            int dim = k0 + lane, clampedDim = Math.Min(dim, d - 1);
            bool insideD = dim < d;
            for (int r = thread >> 5; r < TileRows; r += TensorCoreGroupSize / 32)
            {
                int ra = rowBase + r, rb = colBase + r;
                float va = anchors.LoadRaw(Math.Min(ra, shape.RowsA - 1), clampedDim, d), vb = candidates.LoadRaw(Math.Min(rb, shape.RowsB - 1), clampedDim, d);
                stage[r * StagePitch + lane] = operands.Stage(insideD && ra < shape.RowsA ? va : 0f);
                stage[bOffset + r * StagePitch + lane] = operands.Stage(insideD && rb < shape.RowsB ? vb : 0f);
            }
            Group.Barrier();
            for (int kk = 0; kk < StageDepth; kk += 8)
            {
                // The lane's k = t, t + 4 at positions 2t, 2t + 1 (see the header): one pair per fragment row.
                // Each load from a base view at a constant offset: indexing the whole view with a computed index cost an
                // add and a 64-bit address per load in the SASS.
                var a = pairs.SubView((localG * StagePitch + kk + 2 * t) / 2);
                UInt2 ag = a[0], ag8 = a[8 * PairPitch];
                var fragment = operands.FragmentA(ag.X, ag8.X, ag.Y, ag8.Y);
                var b = pairs.SubView((bOffset + g * StagePitch + kk + 2 * t) / 2);
                UInt2 b0 = b[0], b1 = b[8 * PairPitch], b2 = b[16 * PairPitch], b3 = b[24 * PairPitch];
                UInt2 b4 = b[32 * PairPitch], b5 = b[40 * PairPitch], b6 = b[48 * PairPitch], b7 = b[56 * PairPitch];
                s = operands.Mma(s, 0, 0, fragment, b0.X, b0.Y, scratch);
                s = operands.Mma(s, 0, 1, fragment, b1.X, b1.Y, scratch);
                s = operands.Mma(s, 0, 2, fragment, b2.X, b2.Y, scratch);
                s = operands.Mma(s, 0, 3, fragment, b3.X, b3.Y, scratch);
                s = operands.Mma(s, 0, 4, fragment, b4.X, b4.Y, scratch);
                s = operands.Mma(s, 0, 5, fragment, b5.X, b5.Y, scratch);
                s = operands.Mma(s, 0, 6, fragment, b6.X, b6.Y, scratch);
                s = operands.Mma(s, 0, 7, fragment, b7.X, b7.Y, scratch);
            }
            Group.Barrier();
        }
        return s;
    }

    /// <summary>
    /// An accumulator fragment (c0, c1 of row g; c2, c3 of row g + 8; columns 2t and 2t + 1 of an n-tile) times the rows'
    /// factors (1/τ included) and the columns' factors.
    /// </summary>
    private static Float4 ScaleFragment(Float4 c, float rowG, float rowG8, float column0, float column1) =>
        new(c.X * rowG * column0, c.Y * rowG * column1, c.Z * rowG8 * column0, c.W * rowG8 * column1);
}
