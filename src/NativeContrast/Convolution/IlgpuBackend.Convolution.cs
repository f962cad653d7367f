using ILGPU;
using ILGPU.Runtime;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>The convolution family's ILGPU launches.</summary>
internal sealed partial class IlgpuBackend
{
    public void Conv2dForward(BufferSlice x, BufferSlice w, BufferSlice? bias, BufferSlice y, ConvShape s)
    {
        if (ConvolutionVariant == ConvolutionKernelVariant.Naive)
        {
            Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvShape, int>(ConvolutionKernels.Conv2dForwardNaive)(y.Length, F(x), F(w), bias is { } b ? F(b) : F(w), F(y), s, bias is null ? 0 : 1);
            return;
        }
        ImplicitGemm(new ConvForwardGemm { X = F(x), W = F(w), Bias = bias is { } bb ? F(bb) : F(w), Y = F(y), Shape = s, HasBias = bias is null ? 0 : 1 });
    }

    public void Conv2dBackwardData(BufferSlice g, BufferSlice w, BufferSlice dx, ConvShape s)
    {
        if (ConvolutionVariant == ConvolutionKernelVariant.Naive)
        {
            Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvShape>(ConvolutionKernels.Conv2dBackwardDataNaive)(dx.Length, F(g), F(w), F(dx), s);
            return;
        }
        ImplicitGemm(new ConvDataGemm { G = F(g), W = F(w), Dx = F(dx), Shape = s });
    }

    public void Conv2dBackwardFilter(BufferSlice x, BufferSlice g, BufferSlice dw, ConvShape s)
    {
        if (ConvolutionVariant == ConvolutionKernelVariant.Naive)
        {
            Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvShape>(ConvolutionKernels.Conv2dBackwardFilterNaive)(dw.Length, F(x), F(g), F(dw), s);
            return;
        }
        ImplicitGemm(new ConvFilterGemm { X = F(x), G = F(g), Dw = F(dw), Shape = s });
    }

    /// <summary>Launches the tiled implicit GEMM for one convolution direction: ⌈N/64⌉ × ⌈M/64⌉ groups of 16×16.</summary>
    private void ImplicitGemm<TGemm>(TGemm gemm) where TGemm : struct, IImplicitGemm
    {
        if (gemm.M == 0 || gemm.N == 0) return;
        var kernel = Explicit<TGemm>(ConvolutionKernels.ImplicitGemmTiled);
        var grid = new Index2D(Blocks(gemm.N, ContrastiveKernels.TileRows), Blocks(gemm.M, ContrastiveKernels.TileRows));
        kernel(new KernelConfig(grid, new Index2D(ContrastiveKernels.GroupSide, ContrastiveKernels.GroupSide)), gemm);
    }

    public void MaxPool2dForward(BufferSlice x, BufferSlice y, BufferSlice argMax, ConvShape s) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<int>, ConvShape>(ConvolutionKernels.MaxPool2dForwardNaive)(y.Length, F(x), F(y), I(argMax), s);

    public void MaxPool2dBackward(BufferSlice g, BufferSlice argMax, BufferSlice dx, ConvShape s) =>
        Grouped<ArrayView<float>, ArrayView<int>, ArrayView<float>, ConvShape>(ConvolutionKernels.MaxPool2dBackwardNaive)(dx.Length, F(g), I(argMax), F(dx), s);

    public void AvgPool2dForward(BufferSlice x, BufferSlice y, ConvShape s) =>
        Grouped<ArrayView<float>, ArrayView<float>, ConvShape>(ConvolutionKernels.AvgPool2dForwardNaive)(y.Length, F(x), F(y), s);

    public void AvgPool2dBackward(BufferSlice g, BufferSlice dx, ConvShape s) =>
        Grouped<ArrayView<float>, ArrayView<float>, ConvShape>(ConvolutionKernels.AvgPool2dBackwardNaive)(dx.Length, F(g), F(dx), s);
}
