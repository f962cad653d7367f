namespace NativeContrast.Nn;

/// <summary>max(x, 0).</summary>
public sealed class Relu : Module
{
    public override Tensor Forward(Tensor x) => x.Relu();
}
