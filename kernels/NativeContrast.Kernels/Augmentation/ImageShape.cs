namespace NativeContrast.Kernels;

/// <summary>A batch of images [Batch, Channels, Height, Width] and, for resampling, the output size.</summary>
public struct ImageShape
{
    /// <summary>The input batch's dimensions [N, C, H, W].</summary>
    public int Batch, Channels, Height, Width;
    /// <summary>The output image's height and width.</summary>
    public int OutHeight, OutWidth;

    /// <summary>Pixels in one input channel.</summary>
    public readonly int Plane => Height * Width;

    /// <summary>Pixels in one output channel.</summary>
    public readonly int OutPlane => OutHeight * OutWidth;
}
