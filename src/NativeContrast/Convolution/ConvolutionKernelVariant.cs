namespace NativeContrast;

/// <summary>Which ILGPU kernels compute Conv2d forward, data gradient and filter gradient on an <see cref="IlgpuDevice"/>.</summary>
public enum ConvolutionKernelVariant
{
    /// <summary>One thread per output, input or weight element (variant 1; the reference GPU path).</summary>
    Naive,

    /// <summary>Each direction as a tiled implicit GEMM: shared-memory tiles, 4×4 register micro-tiles (variant 2; the default).</summary>
    ImplicitGemm,
}
