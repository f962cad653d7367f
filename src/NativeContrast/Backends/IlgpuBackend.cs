using System.Collections.Concurrent;
using ILGPU;
using ILGPU.Runtime;
using NativeContrast.Kernels;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Backends;

/// <summary>
/// Runs the ILGPU kernels of <c>NativeContrast.Kernels</c> on one accelerator (CUDA, OpenCL or ILGPU's
/// CPU accelerator). Kernels are compiled on first use and cached per device; memory comes from a
/// <see cref="CachingAllocator"/>. Float32 and Int32 only.
/// </summary>
internal sealed class IlgpuBackend : IBackend, IDisposable
{
    private readonly Accelerator accelerator;
    private readonly CachingAllocator allocator;
    private readonly ConcurrentDictionary<string, Delegate> kernels = new();

    public IlgpuBackend(Accelerator accelerator)
    {
        this.accelerator = accelerator;
        allocator = new CachingAllocator(accelerator);
    }

    public CachingAllocator Allocator => allocator;

    /// <summary>Which kernels Conv2d runs.</summary>
    public ConvolutionKernelVariant ConvolutionVariant { get; set; } = ConvolutionKernelVariant.ImplicitGemm;

    /// <summary>Which kernels the fused contrastive losses run.</summary>
    public ContrastiveKernelVariant ContrastiveVariant { get; set; } = ContrastiveKernelVariant.Tiled;

    /// <summary>Number of distinct kernels compiled so far (for tests of the cache).</summary>
    public int CompiledKernelCount => kernels.Count;

    private TDelegate Kernel<TDelegate>(string key, Func<Accelerator, TDelegate> load) where TDelegate : Delegate =>
        (TDelegate)kernels.GetOrAdd(key, _ => load(accelerator));

    private static ArrayView<float> F(BufferSlice s) => ((IlgpuBuffer<float>)s.Buffer).View(s.Offset, s.Length);

    private static ArrayView<int> I(BufferSlice s) => ((IlgpuBuffer<int>)s.Buffer).View(s.Offset, s.Length);

    /// <summary>A view from the slice's offset to the end of the buffer (for strided access).</summary>
    private static ArrayView<float> FTail(BufferSlice s) => ((IlgpuBuffer<float>)s.Buffer).View(s.Offset, s.Buffer.Length - s.Offset);

    public DeviceBuffer Allocate(DType dtype, int length) => dtype switch
    {
        DType.Float32 => new IlgpuBuffer<float>(dtype, length, allocator.Rent<float>(length)),
        DType.Int32 => new IlgpuBuffer<int>(dtype, length, allocator.Rent<int>(length)),
        _ => throw new NotSupportedException($"ILGPU devices hold float32 and int32 tensors, not {dtype}."),
    };

    public void Free(DeviceBuffer buffer)
    {
        switch (buffer)
        {
            case IlgpuBuffer<float> f: allocator.Return(f.Memory); break;
            case IlgpuBuffer<int> i: allocator.Return(i.Memory); break;
        }
    }

    public void Synchronize() => accelerator.Synchronize();

    public void Upload<T>(ReadOnlySpan<T> source, BufferSlice destination) where T : unmanaged
    {
        if (source.Length == 0) return;
        var view = ((IlgpuBuffer<T>)destination.Buffer).View(destination.Offset, destination.Length);
        view.CopyFromCPU(source.ToArray());
    }

    public void Download<T>(BufferSlice source, Span<T> destination) where T : unmanaged
    {
        if (destination.Length == 0) return;
        accelerator.Synchronize();
        var view = ((IlgpuBuffer<T>)source.Buffer).View(source.Offset, source.Length);
        ((ArrayView1D<T, Stride1D.Dense>)view).GetAsArray1D().AsSpan().CopyTo(destination);
    }

    public void Fill(BufferSlice y, double value)
    {
        if (y.Length == 0) return;
        if (y.Buffer is IlgpuBuffer<int>)
            Kernel("FillInt", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, int>(ElementwiseKernels.FillInt))(y.Length, I(y), (int)value);
        else
            Kernel("Fill", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(ElementwiseKernels.Fill))(y.Length, F(y), (float)value);
    }

    public void Unary<TFunction>(TFunction f, BufferSlice x, BufferSlice y) where TFunction : struct, IUnaryFunction
    {
        if (x.Length == 0) return;
        Kernel("Unary:" + typeof(TFunction).Name,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, TFunction>(ElementwiseKernels.Unary))(x.Length, F(x), F(y), f);
    }

    public void Binary<TFunction>(TFunction f, BufferSlice a, BufferSlice b, BufferSlice y, StridedPair? layout) where TFunction : struct, IBinaryFunction
    {
        if (y.Length == 0) return;
        if (layout is null)
        {
            Kernel("Binary:" + typeof(TFunction).Name,
                acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, TFunction>(ElementwiseKernels.Binary))(y.Length, F(a), F(b), F(y), f);
        }
        else
        {
            Kernel("BinaryStrided:" + typeof(TFunction).Name,
                acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedPair, TFunction>(ElementwiseKernels.BinaryStrided))(
                y.Length, F(a), F(b), F(y), layout.Value, f);
        }
    }

    public void StridedCopy(BufferSlice source, BufferSlice destination, StridedPair layout, int count)
    {
        if (count == 0) return;
        if (source.Buffer is IlgpuBuffer<int>)
        {
            var s = ((IlgpuBuffer<int>)source.Buffer).View(source.Offset, source.Buffer.Length - source.Offset);
            var d = ((IlgpuBuffer<int>)destination.Buffer).View(destination.Offset, destination.Buffer.Length - destination.Offset);
            Kernel("StridedCopyInt", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, StridedPair>(ElementwiseKernels.StridedCopyInt))(count, s, d, layout);
            return;
        }
        Kernel("StridedCopy", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, StridedPair>(ElementwiseKernels.StridedCopy))(
            count, FTail(source), FTail(destination), layout);
    }

    public void SumAxis(BufferSlice x, BufferSlice y, int outer, int reduced, int inner)
    {
        if (y.Length == 0) return;
        Kernel("SumAxis", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(ReductionKernels.SumAxis))(
            outer * inner, F(x), F(y), reduced, inner);
    }

    public void MaxAxis(BufferSlice x, BufferSlice y, BufferSlice argMax, int outer, int reduced, int inner)
    {
        if (y.Length == 0) return;
        Kernel("MaxAxis", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int>(ReductionKernels.MaxAxis))(
            outer * inner, F(x), F(y), I(argMax), reduced, inner);
    }

    public void ScatterAxis(BufferSlice g, BufferSlice argMax, BufferSlice dx, int outer, int reduced, int inner)
    {
        if (g.Length == 0) return;
        Kernel("ScatterAxis", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int>(ReductionKernels.ScatterAxis))(
            outer * inner, F(g), I(argMax), F(dx), reduced, inner);
    }

    public void Gemm(BufferSlice a, BufferSlice b, BufferSlice c, GemmShape shape, int batch)
    {
        var kernel = Kernel("GemmTiled", acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape>(MatmulKernels.Tiled));
        int t = MatmulKernels.Tile;
        var grid = new Index3D(Blocks(shape.N, t), Blocks(shape.M, t), batch);
        kernel(new KernelConfig(grid, new Index3D(t, t, 1)), F(a), F(b), F(c), shape);
    }

    public void IndexSelect(BufferSlice x, BufferSlice index, BufferSlice y, int outer, int n, int m, int inner)
    {
        if (y.Length == 0) return;
        if (x.Buffer is not IlgpuBuffer<float>) throw new NotSupportedException("Gather on ILGPU devices supports float32 tensors.");
        Kernel("IndexSelect", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int>(IndexKernels.IndexSelect))(
            y.Length, F(x), I(index), F(y), n, m, inner);
    }

    public void IndexAdd(BufferSlice g, BufferSlice index, BufferSlice dx, int outer, int n, int m, int inner)
    {
        if (g.Length == 0) return;
        Kernel("IndexAdd", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int>(IndexKernels.IndexAdd))(
            g.Length, F(g), I(index), F(dx), n, m, inner);
    }

    public void L2Normalize(BufferSlice x, BufferSlice y, BufferSlice norms, int rows, int cols, float eps) =>
        Kernel("L2Normalize", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(RowwiseKernels.L2Normalize))(
            rows, F(x), F(y), F(norms), cols, eps);

    public void L2NormalizeBackward(BufferSlice g, BufferSlice y, BufferSlice norms, BufferSlice dx, int rows, int cols, float eps) =>
        Kernel("L2NormalizeBackward", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(RowwiseKernels.L2NormalizeBackward))(
            rows, F(g), F(y), F(norms), F(dx), cols, eps);

    public void LogSoftmax(BufferSlice x, BufferSlice y, int rows, int cols) =>
        Kernel("LogSoftmax", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(RowwiseKernels.LogSoftmax))(rows, F(x), F(y), cols);

    public void LogSoftmaxBackward(BufferSlice g, BufferSlice y, BufferSlice dx, int rows, int cols) =>
        Kernel("LogSoftmaxBackward", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(RowwiseKernels.LogSoftmaxBackward))(
            rows, F(g), F(y), F(dx), cols);

    public void CrossEntropy(BufferSlice logits, BufferSlice labels, BufferSlice loss, BufferSlice lse, int rows, int cols) =>
        Kernel("CrossEntropy", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int>(RowwiseKernels.CrossEntropy))(
            rows, F(logits), I(labels), F(loss), F(lse), cols);

    public void CrossEntropyBackward(BufferSlice logits, BufferSlice labels, BufferSlice lse, BufferSlice g, BufferSlice dx, int rows, int cols, double scale) =>
        Kernel("CrossEntropyBackward", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(RowwiseKernels.CrossEntropyBackward))(
            rows, F(logits), I(labels), F(lse), F(g), F(dx), cols, (float)scale);

    public void RowNorms(BufferSlice x, BufferSlice norms, BufferSlice inverseNorms, int rows, int cols, float eps) =>
        Kernel("RowNorms", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(RowwiseKernels.RowNorms))(
            rows, F(x), F(norms), F(inverseNorms), cols, eps);

    public void TrustRatioScale(BufferSlice weightSquares, BufferSlice updateSquares, BufferSlice scale, double learningRate, double trustCoefficient) =>
        Kernel("TrustRatioScale", k => k.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, double, double>(OptimizerKernels.TrustRatioScale))(
            1, F(weightSquares), F(updateSquares), F(scale), learningRate, trustCoefficient);

    public void RowDots(BufferSlice a, BufferSlice b, BufferSlice dots, int rows, int cols) =>
        Kernel("RowDots", k => k.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(RowwiseKernels.RowDots))(
            rows, F(a), F(b), F(dots), cols);

    public void L2NormalizeBackwardInPlace(BufferSlice gradient, BufferSlice x, BufferSlice norms, int rows, int cols, float eps) =>
        Kernel("L2NormalizeBackwardInPlace", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(RowwiseKernels.L2NormalizeBackwardInPlace))(
            rows, F(gradient), F(x), F(norms), cols, eps);

    /// <summary>The kernels' view of a set's rows; unscaled rows pass their own values as the (never read) scale.</summary>
    private static ScaledRows R(ContrastiveRows rows) => new()
    {
        Values = F(rows.Values),
        Scale = F(rows.Scale ?? rows.Values),
        Scaled = rows.Scale is null ? 0 : 1,
    };

    public void ContrastiveForward(ContrastiveRows a, ContrastiveRows b, ContrastiveSide rows, ContrastiveSide? columns, ContrastiveShape shape, double invTau)
    {
        shape.InvTau = (float)invTau;
        bool oneSet = shape.ExcludeDiagonal != 0;
        var candidateKeys = oneSet || columns is null ? rows.Keys : columns.Value.Keys;
        RowStats(a, b, rows.Keys, candidateKeys, rows, shape);
        if (!oneSet && columns is { } c) RowStats(b, a, c.Keys, rows.Keys, c, Swap(shape));
    }

    private void RowStats(ContrastiveRows anchors, ContrastiveRows candidates, BufferSlice keyA, BufferSlice keyB, ContrastiveSide side, ContrastiveShape shape)
    {
        if (ContrastiveVariant == ContrastiveKernelVariant.Naive)
        {
            Kernel("ContrastiveRowStatsNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ScaledRows, ScaledRows, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ContrastiveShape>(
                ContrastiveKernels.RowStatsNaive))(shape.RowsA, R(anchors), R(candidates), I(keyA), I(keyB), F(side.PositiveWeight), F(side.Lse), F(side.PositiveLogit), shape);
            return;
        }
        if (ContrastiveVariant is ContrastiveKernelVariant.TensorCoreTf32 or ContrastiveKernelVariant.TensorCoreTf32x3)
        {
            // CUDA runs the mma on tensor cores; other accelerators run the same kernel with its software mma.
            var tensorCore = ContrastiveVariant == ContrastiveKernelVariant.TensorCoreTf32
                ? RowStatsTensorCore<Tf32Operands>("ContrastiveRowStatsTensorCore")
                : RowStatsTensorCore<SplitTf32Operands>("ContrastiveRowStatsTensorCoreX3");
            tensorCore(new KernelConfig(Blocks(shape.RowsA, ContrastiveKernels.TileRows), ContrastiveKernels.TensorCoreGroupSize),
                R(anchors), R(candidates), I(keyA), I(keyB), F(side.PositiveWeight), F(side.Lse), F(side.PositiveLogit), shape);
            return;
        }
        bool vector = ContrastiveVariant == ContrastiveKernelVariant.TiledVector;
        var kernel = Kernel(vector ? "ContrastiveRowStatsTiledVector" : "ContrastiveRowStatsTiled", a => a.LoadStreamKernel<ScaledRows, ScaledRows, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ContrastiveShape>(
            vector ? ContrastiveKernels.RowStatsTiledVector : ContrastiveKernels.RowStatsTiled));
        var config = new KernelConfig(new Index2D(Blocks(shape.RowsA, ContrastiveKernels.TileRows), 1), new Index2D(ContrastiveKernels.GroupSide, ContrastiveKernels.GroupSide));
        kernel(config, R(anchors), R(candidates), I(keyA), I(keyB), F(side.PositiveWeight), F(side.Lse), F(side.PositiveLogit), shape);
    }

    private static int Blocks(int count, int size) => (count + size - 1) / size;

    public void ContrastiveBackward(ContrastiveRows a, ContrastiveRows b, ContrastiveSide? rows, ContrastiveSide? columns, BufferSlice gradA, BufferSlice? gradB,
        ContrastiveShape shape, double invTau)
    {
        shape.InvTau = (float)invTau;
        if (shape.ExcludeDiagonal != 0) columns = rows;
        Gradient(a, b, rows, columns, gradA, shape);
        if (shape.ExcludeDiagonal == 0 && gradB is { } db) Gradient(b, a, columns, rows, db, Swap(shape));
    }

    /// <summary>dA from the row term (A's anchors) and the column term (B's anchors); an absent term's views are never read, so any stand in.</summary>
    private void Gradient(ContrastiveRows anchors, ContrastiveRows candidates, ContrastiveSide? rowTerm, ContrastiveSide? columnTerm, BufferSlice gradA, ContrastiveShape shape)
    {
        var any = rowTerm ?? columnTerm!.Value;
        var row = rowTerm ?? any;
        var column = columnTerm ?? any;
        shape.HasRowTerm = rowTerm is null ? 0 : 1;
        shape.HasColumnTerm = columnTerm is null ? 0 : 1;
        if (ContrastiveVariant == ContrastiveKernelVariant.Naive)
        {
            Kernel("ContrastiveGradientNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ScaledRows, ScaledRows, ArrayView<int>, ArrayView<int>,
                ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ContrastiveShape>(
                ContrastiveKernels.GradientNaive))(shape.RowsA, R(anchors), R(candidates), I(row.Keys), I(column.Keys),
                F(row.Lse), F(row.Coefficient), F(row.PositiveWeight), F(column.Lse), F(column.Coefficient), F(column.PositiveWeight), F(gradA), shape);
            return;
        }
        if (ContrastiveVariant is ContrastiveKernelVariant.TensorCoreTf32 or ContrastiveKernelVariant.TensorCoreTf32x3)
        {
            var tensorCore = ContrastiveVariant == ContrastiveKernelVariant.TensorCoreTf32
                ? GradientTensorCore<Tf32Operands>("ContrastiveGradientTensorCore")
                : GradientTensorCore<SplitTf32Operands>("ContrastiveGradientTensorCoreX3");
            var grid = new Index2D(Blocks(shape.RowsA, ContrastiveKernels.TileRows), Blocks(shape.Dim, ContrastiveKernels.TensorCoreSliceWidth));
            tensorCore(new KernelConfig(grid, new Index2D(ContrastiveKernels.TensorCoreGroupSize, 1)), R(anchors), R(candidates), I(row.Keys), I(column.Keys),
                F(row.Lse), F(row.Coefficient), F(row.PositiveWeight), F(column.Lse), F(column.Coefficient), F(column.PositiveWeight), F(gradA), shape);
            return;
        }
        bool vector = ContrastiveVariant == ContrastiveKernelVariant.TiledVector;
        var kernel = Kernel(vector ? "ContrastiveGradientTiledVector" : "ContrastiveGradientTiled", a => a.LoadStreamKernel<ScaledRows, ScaledRows, ArrayView<int>, ArrayView<int>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ContrastiveShape>(
            vector ? ContrastiveKernels.GradientTiledVector : ContrastiveKernels.GradientTiled));
        var config = new KernelConfig(new Index2D(Blocks(shape.RowsA, ContrastiveKernels.TileRows), Blocks(shape.Dim, ContrastiveKernels.SliceWidth)),
            new Index2D(ContrastiveKernels.GroupSide, ContrastiveKernels.GroupSide));
        kernel(config, R(anchors), R(candidates), I(row.Keys), I(column.Keys),
            F(row.Lse), F(row.Coefficient), F(row.PositiveWeight), F(column.Lse), F(column.Coefficient), F(column.PositiveWeight), F(gradA), shape);
    }

    /// <summary>The tensor-core row statistics with the given operands: on tensor cores on CUDA, with the software mma elsewhere.</summary>
    private Action<KernelConfig, ScaledRows, ScaledRows, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ContrastiveShape>
        RowStatsTensorCore<TOperands>(string key) where TOperands : struct, ITensorCoreOperands =>
        Kernel(key, a => a.LoadStreamKernel<ScaledRows, ScaledRows, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ContrastiveShape>(
            a.AcceleratorType == AcceleratorType.Cuda ? ContrastiveKernels.RowStatsTensorCore<TOperands> : ContrastiveKernels.RowStatsTensorCoreSoftware<TOperands>));

    /// <summary>The tensor-core gradient with the given operands (as <see cref="RowStatsTensorCore{TOperands}"/>).</summary>
    private Action<KernelConfig, ScaledRows, ScaledRows, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ContrastiveShape> GradientTensorCore<TOperands>(string key) where TOperands : struct, ITensorCoreOperands =>
        Kernel(key, a => a.LoadStreamKernel<ScaledRows, ScaledRows, ArrayView<int>, ArrayView<int>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ContrastiveShape>(
            a.AcceleratorType == AcceleratorType.Cuda ? ContrastiveKernels.GradientTensorCore<TOperands> : ContrastiveKernels.GradientTensorCoreSoftware<TOperands>));

    /// <summary>The same pass seen from the other set: B's rows become the anchors.</summary>
    private static ContrastiveShape Swap(ContrastiveShape s) => s with { RowsA = s.RowsB, RowsB = s.RowsA };

    public void PairDistances(ContrastiveRows x, BufferSlice first, BufferSlice second, BufferSlice distance, BufferSlice stats, int pairs, int d, int metric) =>
        Kernel("PairDistances", a => a.LoadAutoGroupedStreamKernel<Index1D, ScaledRows, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int>(
            PairDistanceKernels.Forward))(pairs, R(x), I(first), I(second), F(distance), F(stats), d, metric);

    public void PairDistancesBackward(ContrastiveRows x, BufferSlice first, BufferSlice second, BufferSlice g, BufferSlice distance, BufferSlice stats, BufferSlice dx,
        int pairs, int d, int metric) =>
        Kernel("PairDistancesBackward", a => a.LoadAutoGroupedStreamKernel<Index1D, ScaledRows, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, int, int>(PairDistanceKernels.Backward))(pairs * d, R(x), I(first), I(second), F(g), F(distance), F(stats), F(dx), d, metric);

    /// <summary>Triplet mining: the naive kernel, or (tiled, TF32 and tiled-vector variants) the tiled one, in one pass for hard mining and two for semi-hard.</summary>
    public void TripletMine(ContrastiveRows z, BufferSlice labels, BufferSlice positive, BufferSlice negative, int n, int d, int distance, bool semiHard)
    {
        if (ContrastiveVariant == ContrastiveKernelVariant.Naive)
        {
            Kernel("TripletMineNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ScaledRows, ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int, int, int>(
                ContrastiveKernels.TripletMineNaive))(n, R(z), I(labels), I(positive), I(negative), n, d, distance, semiHard ? 1 : 0);
            return;
        }
        var norms = allocator.Rent<float>(n);
        var positiveDistance = allocator.Rent<float>(n);
        try
        {
            Kernel("RowSquaredNorms", a => a.LoadAutoGroupedStreamKernel<Index1D, ScaledRows, ArrayView<float>, int>(ContrastiveKernels.RowSquaredNorms))(
                n, R(z), norms.View.SubView(0, n), d);
            var mine = Kernel("TripletMineTiled", a => a.LoadStreamKernel<ScaledRows, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int, int, int>(
                ContrastiveKernels.TripletMineTiled));
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

    public void Conv2dForward(BufferSlice x, BufferSlice w, BufferSlice? bias, BufferSlice y, ConvShape s)
    {
        if (ConvolutionVariant == ConvolutionKernelVariant.Naive)
        {
            Kernel("Conv2dForwardNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvShape, int>(
                ConvolutionKernels.Conv2dForwardNaive))(y.Length, F(x), F(w), bias is { } b ? F(b) : F(w), F(y), s, bias is null ? 0 : 1);
            return;
        }
        ImplicitGemm("Conv2dForwardGemm", new ConvForwardGemm { X = F(x), W = F(w), Bias = bias is { } bb ? F(bb) : F(w), Y = F(y), Shape = s, HasBias = bias is null ? 0 : 1 });
    }

    public void Conv2dBackwardData(BufferSlice g, BufferSlice w, BufferSlice dx, ConvShape s)
    {
        if (ConvolutionVariant == ConvolutionKernelVariant.Naive)
        {
            Kernel("Conv2dBackwardDataNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvShape>(
                ConvolutionKernels.Conv2dBackwardDataNaive))(dx.Length, F(g), F(w), F(dx), s);
            return;
        }
        ImplicitGemm("Conv2dBackwardDataGemm", new ConvDataGemm { G = F(g), W = F(w), Dx = F(dx), Shape = s });
    }

    public void Conv2dBackwardFilter(BufferSlice x, BufferSlice g, BufferSlice dw, ConvShape s)
    {
        if (ConvolutionVariant == ConvolutionKernelVariant.Naive)
        {
            Kernel("Conv2dBackwardFilterNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvShape>(
                ConvolutionKernels.Conv2dBackwardFilterNaive))(dw.Length, F(x), F(g), F(dw), s);
            return;
        }
        ImplicitGemm("Conv2dBackwardFilterGemm", new ConvFilterGemm { X = F(x), G = F(g), Dw = F(dw), Shape = s });
    }

    /// <summary>Launches the tiled implicit GEMM for one convolution direction: ⌈N/64⌉ × ⌈M/64⌉ groups of 16×16.</summary>
    private void ImplicitGemm<TGemm>(string key, TGemm gemm) where TGemm : struct, IImplicitGemm
    {
        if (gemm.M == 0 || gemm.N == 0) return;
        var kernel = Kernel(key, a => a.LoadStreamKernel<TGemm>(ConvolutionKernels.ImplicitGemmTiled));
        var grid = new Index2D(Blocks(gemm.N, ContrastiveKernels.TileRows), Blocks(gemm.M, ContrastiveKernels.TileRows));
        kernel(new KernelConfig(grid, new Index2D(ContrastiveKernels.GroupSide, ContrastiveKernels.GroupSide)), gemm);
    }

    public void MaxPool2dForward(BufferSlice x, BufferSlice y, BufferSlice argMax, ConvShape s) =>
        Kernel("MaxPool2dForwardNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ConvShape>(
            ConvolutionKernels.MaxPool2dForwardNaive))(y.Length, F(x), F(y), I(argMax), s);

    public void MaxPool2dBackward(BufferSlice g, BufferSlice argMax, BufferSlice dx, ConvShape s) =>
        Kernel("MaxPool2dBackwardNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ConvShape>(
            ConvolutionKernels.MaxPool2dBackwardNaive))(dx.Length, F(g), I(argMax), F(dx), s);

    public void AvgPool2dForward(BufferSlice x, BufferSlice y, ConvShape s) =>
        Kernel("AvgPool2dForwardNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvShape>(
            ConvolutionKernels.AvgPool2dForwardNaive))(y.Length, F(x), F(y), s);

    public void AvgPool2dBackward(BufferSlice g, BufferSlice dx, ConvShape s) =>
        Kernel("AvgPool2dBackwardNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvShape>(
            ConvolutionKernels.AvgPool2dBackwardNaive))(dx.Length, F(g), F(dx), s);

    public void BatchNormStats(BufferSlice x, BufferSlice mean, BufferSlice invStd, BufferSlice unbiasedVar, int n, int channels, int spatial, float eps) =>
        Kernel("BatchNormStatsNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float>(
            NormalizationKernels.BatchNormStatsNaive))(channels, F(x), F(mean), F(invStd), F(unbiasedVar), n, channels, spatial, eps);

    public void BatchNormApply(BufferSlice x, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice beta, BufferSlice y, int n, int channels, int spatial, bool relu) =>
        Kernel("BatchNormApplyNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(
            NormalizationKernels.BatchNormApplyNaive))(y.Length, F(x), F(mean), F(invStd), F(gamma), F(beta), F(y), channels, spatial, relu ? 1 : 0);

    public void BatchNormBackward(BufferSlice x, BufferSlice g, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta,
        int n, int channels, int spatial, bool training)
    {
        Kernel("BatchNormGradSumsNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(
            NormalizationKernels.BatchNormGradSumsNaive))(channels, F(x), F(g), F(mean), F(invStd), F(dGamma), F(dBeta), n, channels, spatial);
        Kernel("BatchNormBackwardDataNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(
            NormalizationKernels.BatchNormBackwardDataNaive))(dx.Length, F(x), F(g), F(mean), F(invStd), F(gamma), F(dGamma), F(dBeta), F(dx), n, channels, spatial, training ? 1 : 0);
    }

    // g·[y > 0] is written into dx first (the data kernel reads g[i] before writing dx[i] at the same index), then the
    // batch-norm backward runs on it: two launches of existing kernels, not one fused pass.
    public void BatchNormReluBackward(BufferSlice x, BufferSlice y, BufferSlice g, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice beta,
        BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta, int n, int channels, int spatial, bool training)
    {
        Binary(default(ReluGradFunction), y, g, dx, null);
        BatchNormBackward(x, dx, mean, invStd, gamma, dx, dGamma, dBeta, n, channels, spatial, training);
    }

    public void LayerNormForward(BufferSlice x, BufferSlice gamma, BufferSlice beta, BufferSlice y, BufferSlice mean, BufferSlice invStd, int rows, int cols, float eps) =>
        Kernel("LayerNormForwardNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(
            NormalizationKernels.LayerNormForwardNaive))(rows, F(x), F(gamma), F(beta), F(y), F(mean), F(invStd), cols, eps);

    public void LayerNormBackward(BufferSlice x, BufferSlice g, BufferSlice gamma, BufferSlice mean, BufferSlice invStd, BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta, int rows, int cols)
    {
        Kernel("LayerNormBackwardDataNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(
            NormalizationKernels.LayerNormBackwardDataNaive))(rows, F(x), F(g), F(gamma), F(mean), F(invStd), F(dx), cols);
        Kernel("LayerNormParamGradNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(
            NormalizationKernels.LayerNormParamGradNaive))(cols, F(x), F(g), F(mean), F(invStd), F(dGamma), F(dBeta), rows, cols);
    }

    public void Resample(BufferSlice x, BufferSlice y, BufferSlice boxes, BufferSlice flips, ImageShape s) =>
        Kernel("ResampleNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ImageShape>(
            AugmentationKernels.ResampleNaive))(y.Length, F(x), F(y), F(boxes), I(flips), s);

    public void AdjustColor(BufferSlice x, BufferSlice y, BufferSlice parameters, ImageShape s) =>
        Kernel("ColorNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ImageShape>(
            AugmentationKernels.ColorNaive))(s.Batch, F(x), F(y), F(parameters), s);

    public void Blur(BufferSlice x, BufferSlice y, BufferSlice sigmas, int radius, ImageShape s) =>
        Kernel("BlurNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ImageShape>(
            AugmentationKernels.BlurNaive))(y.Length, F(x), F(y), F(sigmas), radius, s);

    public void Erase(BufferSlice x, BufferSlice y, BufferSlice boxes, float value, ImageShape s) =>
        Kernel("EraseNaive", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, ImageShape>(
            AugmentationKernels.EraseNaive))(y.Length, F(x), F(y), F(boxes), value, s);

    public void Dispose()
    {
        accelerator.Synchronize();
        allocator.Dispose();
    }
}
