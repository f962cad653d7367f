namespace NativeContrast.Kernels;

/// <summary>A batch of images [Batch, Channels, Height, Width] and, for resampling, the output size.</summary>
public struct ImageShape
{
    public int Batch, Channels, Height, Width;
    public int OutHeight, OutWidth;

    public readonly int Plane => Height * Width;

    public readonly int OutPlane => OutHeight * OutWidth;
}
