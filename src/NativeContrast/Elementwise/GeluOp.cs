using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>GELU, tanh form (see <see cref="GeluFunction"/>).</summary>
internal sealed class GeluOp : AutogradNode
{
    private GeluOp(Tensor x) : base(x)
    {
    }

    public static Tensor Forward(Tensor x)
    {
        var y = Elementwise.Unary("Gelu", x, default(GeluFunction));
        return Record(y, () => new GeluOp(x), x);
    }

    // dx = g·GELU'(x), GELU' as in GeluGradFunction.
    public override Tensor?[] Backward(Tensor g)
    {
        using var slope = Elementwise.Unary("Gelu", Inputs[0], default(GeluGradFunction));
        return [Elementwise.Binary("Gelu", g, slope, default(MultiplyFunction))];
    }
}
