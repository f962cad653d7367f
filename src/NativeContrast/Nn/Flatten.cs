namespace NativeContrast.Nn;

/// <summary>[N, ...] → [N, product of the rest].</summary>
public sealed class Flatten : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Reshape(x.Shape[0], -1);
}
