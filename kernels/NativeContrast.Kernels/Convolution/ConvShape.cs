namespace NativeContrast.Kernels;

/// <summary>
/// A 2-D convolution or pooling window over NCHW tensors: input [Batch, Channels, Height, Width],
/// output [Batch, OutChannels, OutHeight, OutWidth], a KernelH×KernelW window moved by Stride with
/// Padding zeros (or, for max pooling, −∞) on every side. OutX = (X + 2·Padding − Kernel)/Stride + 1.
/// </summary>
public struct ConvShape
{
    /// <summary>The input's dimensions [N, C, H, W].</summary>
    public int Batch, Channels, Height, Width;
    /// <summary>The output's channels, height and width.</summary>
    public int OutChannels, OutHeight, OutWidth;
    /// <summary>The kernel's size, the stride and the zero padding.</summary>
    public int KernelH, KernelW, Stride, Padding;

    /// <summary>Rows of the unfolded (im2col) matrix: Channels·KernelH·KernelW.</summary>
    public readonly int Patch => Channels * KernelH * KernelW;

    /// <summary>Output positions per image and channel: OutHeight·OutWidth.</summary>
    public readonly int OutPlane => OutHeight * OutWidth;

    /// <summary>Pixels in one input channel.</summary>
    public readonly int InPlane => Height * Width;
}
