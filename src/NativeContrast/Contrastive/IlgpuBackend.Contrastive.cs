using ILGPU;
using ILGPU.Runtime;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>The contrastive family's ILGPU launches.</summary>
internal sealed partial class IlgpuBackend
{
    /// <summary>The kernels' view of a set's rows (unscaled rows pass their own values as the never-read scale).</summary>
    private static ViewRows R(BufferRows rows) => rows.Select(F);

    /// <summary>The kernels' view of a side; the views a pass does not use (the coefficient in the forward, the positive logit in the backward) are stood in for by the LSE's.</summary>
    private static ViewSide S(BufferSide side) => (side with
    {
        PositiveLogit = side.PositiveLogit.Buffer is null ? side.Lse : side.PositiveLogit,
        Coefficient = side.Coefficient.Buffer is null ? side.Lse : side.Coefficient,
        Threshold = side.Threshold.Buffer is null ? side.Lse : side.Threshold,
    }).Select(I, F);

    public void ContrastiveForward(BufferRows a, BufferRows b, BufferSide rows, BufferSide? columns, ContrastiveShape shape, double invTau)
    {
        shape.InvTau = (float)invTau;
        bool oneSet = shape.ExcludeDiagonal != 0;
        var candidateKeys = oneSet || columns is null ? rows.Keys : columns.Value.Keys;
        RowStats(a, b, rows, candidateKeys, shape);
        if (!oneSet && columns is { } c) RowStats(b, a, c, rows.Keys, Swap(shape));
    }

    private void RowStats(BufferRows anchors, BufferRows candidates, BufferSide side, BufferSlice candidateKeys, ContrastiveShape shape)
    {
        if (ContrastiveVariant == ContrastiveKernelVariant.Naive || shape.HasThreshold != 0)
        {
            Grouped<ViewRows, ViewRows, ViewSide, ArrayView<int>, ContrastiveShape>(
                ContrastiveKernels.RowStatsNaive)(shape.RowsA, R(anchors), R(candidates), S(side), I(candidateKeys), shape);
            return;
        }
        if (ContrastiveVariant is ContrastiveKernelVariant.TensorCoreTf32 or ContrastiveKernelVariant.TensorCoreTf32x3)
        {
            // CUDA runs the mma on tensor cores; other accelerators run the same kernel with its software mma.
            var tensorCore = ContrastiveVariant == ContrastiveKernelVariant.TensorCoreTf32
                ? RowStatsTensorCore<Tf32Operands>()
                : RowStatsTensorCore<SplitTf32Operands>();
            tensorCore(new KernelConfig(Blocks(shape.RowsA, ContrastiveKernels.TileRows), ContrastiveKernels.TensorCoreGroupSize),
                R(anchors), R(candidates), S(side), I(candidateKeys), shape);
            return;
        }
        bool vector = ContrastiveVariant == ContrastiveKernelVariant.TiledVector;
        var kernel = HasWarpShuffles ? RowStatsTiled<WarpShuffleExchange>(vector) : RowStatsTiled<SharedMemoryExchange>(vector);
        var config = new KernelConfig(new Index2D(Blocks(shape.RowsA, ContrastiveKernels.TileRows), 1), new Index2D(ContrastiveKernels.GroupSide, ContrastiveKernels.GroupSide));
        kernel(config, R(anchors), R(candidates), S(side), I(candidateKeys), shape);
    }

    public void ContrastiveBackward(BufferRows a, BufferRows b, BufferSide? rows, BufferSide? columns, BufferSlice gradA, BufferSlice? gradB,
        ContrastiveShape shape, double invTau)
    {
        shape.InvTau = (float)invTau;
        if (shape.ExcludeDiagonal != 0) columns = rows;
        Gradient(a, b, rows, columns, gradA, shape);
        if (shape.ExcludeDiagonal == 0 && gradB is { } db) Gradient(b, a, columns, rows, db, Swap(shape));
    }

    /// <summary>dA from the row term (A's anchors) and the column term (B's anchors); an absent term's views are never read, so any stand in.</summary>
    private void Gradient(BufferRows anchors, BufferRows candidates, BufferSide? rowTerm, BufferSide? columnTerm, BufferSlice gradA, ContrastiveShape shape)
    {
        var any = rowTerm ?? columnTerm!.Value;
        var row = rowTerm ?? any;
        var column = columnTerm ?? any;
        shape.HasRowTerm = rowTerm is null ? 0 : 1;
        shape.HasColumnTerm = columnTerm is null ? 0 : 1;
        if (ContrastiveVariant == ContrastiveKernelVariant.Naive || shape.HasThreshold != 0)
        {
            Grouped<ViewRows, ViewRows, ViewSide, ViewSide, ArrayView<float>, ContrastiveShape>(ContrastiveKernels.GradientNaive)(
                shape.RowsA, R(anchors), R(candidates), S(row), S(column), F(gradA), shape);
            return;
        }
        if (ContrastiveVariant is ContrastiveKernelVariant.TensorCoreTf32 or ContrastiveKernelVariant.TensorCoreTf32x3)
        {
            var tensorCore = ContrastiveVariant == ContrastiveKernelVariant.TensorCoreTf32
                ? GradientTensorCore<Tf32Operands>()
                : GradientTensorCore<SplitTf32Operands>();
            var grid = new Index2D(Blocks(shape.RowsA, ContrastiveKernels.TileRows), Blocks(shape.Dim, ContrastiveKernels.TensorCoreSliceWidth));
            tensorCore(new KernelConfig(grid, new Index2D(ContrastiveKernels.TensorCoreGroupSize, 1)), R(anchors), R(candidates), S(row), S(column), F(gradA), shape);
            return;
        }
        bool vector = ContrastiveVariant == ContrastiveKernelVariant.TiledVector;
        var kernel = Explicit<ViewRows, ViewRows, ViewSide, ViewSide, ArrayView<float>, ContrastiveShape>(
            vector ? ContrastiveKernels.GradientTiledVector : ContrastiveKernels.GradientTiled);
        var config = new KernelConfig(new Index2D(Blocks(shape.RowsA, ContrastiveKernels.TileRows), Blocks(shape.Dim, ContrastiveKernels.SliceWidth)),
            new Index2D(ContrastiveKernels.GroupSide, ContrastiveKernels.GroupSide));
        kernel(config, R(anchors), R(candidates), S(row), S(column), F(gradA), shape);
    }

    /// <summary>Drop-top's first pass: one thread per anchor (any variant; the thresholded passes after it run the naive kernels too).</summary>
    public void ContrastiveTopNegatives(BufferRows z, BufferSlice positives, BufferSlice threshold, BufferSlice dropped, int n, int d, double invTau, int topK) =>
        Grouped<ViewRows, ArrayView<int>, ArrayView<float>, ArrayView<int>, int, int, float, int>(ContrastiveKernels.TopNegativesNaive)(
            n, R(z), I(positives), F(threshold), I(dropped), n, d, (float)invTau, topK);

    /// <summary>The tiled row statistics (variant 2, or 4 when <paramref name="vector"/>) with the given lane exchange.</summary>
    private Action<KernelConfig, ViewRows, ViewRows, ViewSide, ArrayView<int>, ContrastiveShape>
        RowStatsTiled<TExchange>(bool vector) where TExchange : struct, ILaneExchange<TExchange> =>
        Explicit<ViewRows, ViewRows, ViewSide, ArrayView<int>, ContrastiveShape>(
            vector ? ContrastiveKernels.RowStatsTiledVector<TExchange> : ContrastiveKernels.RowStatsTiled<TExchange>);

    /// <summary>
    /// The tensor-core row statistics with the given operands: on tensor cores on CUDA, with the software mma elsewhere
    /// (and a shared-memory lane exchange where the device has no warp shuffles).
    /// </summary>
    private Action<KernelConfig, ViewRows, ViewRows, ViewSide, ArrayView<int>, ContrastiveShape>
        RowStatsTensorCore<TOperands>() where TOperands : struct, ITensorCoreOperands =>
        Explicit<ViewRows, ViewRows, ViewSide, ArrayView<int>, ContrastiveShape>(
            accelerator.AcceleratorType == AcceleratorType.Cuda ? ContrastiveKernels.RowStatsTensorCore<TOperands>
            : HasWarpShuffles ? ContrastiveKernels.RowStatsTensorCoreSoftware<TOperands, WarpShuffleExchange>
            : ContrastiveKernels.RowStatsTensorCoreSoftware<TOperands, SharedMemoryExchange>);

    /// <summary>The tensor-core gradient with the given operands (as <see cref="RowStatsTensorCore{TOperands}"/>).</summary>
    private Action<KernelConfig, ViewRows, ViewRows, ViewSide, ViewSide, ArrayView<float>, ContrastiveShape> GradientTensorCore<TOperands>()
        where TOperands : struct, ITensorCoreOperands =>
        Explicit<ViewRows, ViewRows, ViewSide, ViewSide, ArrayView<float>, ContrastiveShape>(
            accelerator.AcceleratorType == AcceleratorType.Cuda ? ContrastiveKernels.GradientTensorCore<TOperands> : ContrastiveKernels.GradientTensorCoreSoftware<TOperands>);

    /// <summary>The same pass seen from the other set: B's rows become the anchors.</summary>
    private static ContrastiveShape Swap(ContrastiveShape s) => s with { RowsA = s.RowsB, RowsB = s.RowsA };

    public void PairDistances(BufferRows x, BufferSlice first, BufferSlice second, BufferSlice distance, BufferSlice stats, int pairs, int d, int metric) =>
        Grouped<ViewRows, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int>(PairDistanceKernels.Forward)(pairs, R(x), I(first), I(second), F(distance), F(stats), d, metric);

    public void PairDistancesBackward(BufferRows x, BufferSlice first, BufferSlice second, BufferSlice g, BufferSlice distance, BufferSlice stats, BufferSlice dx,
        int pairs, int d, int metric) =>
        Grouped<ViewRows, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, int, int>(PairDistanceKernels.Backward)(pairs * d, R(x), I(first), I(second), F(g), F(distance), F(stats), F(dx), d, metric);

    /// <summary>Triplet mining: the naive kernel, or (tiled, TF32 and tiled-vector variants) the tiled one, in one pass for hard mining and two for semi-hard.</summary>
    public void TripletMine(BufferRows z, BufferSlice labels, BufferSlice positive, BufferSlice negative, int n, int d, int distance, bool semiHard)
    {
        if (ContrastiveVariant == ContrastiveKernelVariant.Naive)
        {
            Grouped<ViewRows, ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int, int, int>(ContrastiveKernels.TripletMineNaive)(n, R(z), I(labels), I(positive), I(negative), n, d, distance, semiHard ? 1 : 0);
            return;
        }
        var norms = allocator.Rent<float>(n);
        var positiveDistance = allocator.Rent<float>(n);
        try
        {
            Grouped<ViewRows, ArrayView<float>, int>(ContrastiveKernels.RowSquaredNorms)(
                n, R(z), norms.View.SubView(0, n), d);
            var mine = Explicit<ViewRows, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int, int, int>(
                HasWarpShuffles ? ContrastiveKernels.TripletMineTiled<WarpShuffleExchange> : ContrastiveKernels.TripletMineTiled<SharedMemoryExchange>);
            var config = new KernelConfig(new Index2D(Blocks(n, ContrastiveKernels.TileRows), 1), new Index2D(ContrastiveKernels.GroupSide, ContrastiveKernels.GroupSide));
            for (int pass = 0; pass < (semiHard ? 2 : 1); pass++)
                mine(config, R(z), norms.View.SubView(0, n), I(labels), I(positive), I(negative), positiveDistance.View.SubView(0, n), n, d, distance, pass);
        }
        finally
        {
            // The stream is in order: later work cannot overwrite these before the kernels above have read them.
            allocator.Return(norms);
            allocator.Return(positiveDistance);
        }
    }
}
