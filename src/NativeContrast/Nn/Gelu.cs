namespace NativeContrast.Nn;

/// <summary>GELU (tanh form).</summary>
public sealed class Gelu : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Gelu();
}
