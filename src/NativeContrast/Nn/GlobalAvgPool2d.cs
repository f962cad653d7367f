namespace NativeContrast.Nn;

/// <summary>[N, C, H, W] → [N, C]: the mean over each channel's plane.</summary>
public sealed class GlobalAvgPool2d : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.GlobalAvgPool2d();
}
