using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>y = max(x, 0)</summary>
internal sealed class ReluOp : AutogradNode
{
    private ReluOp(Tensor x) : base(x)
    {
    }

    public static Tensor Forward(Tensor x)
    {
        var y = Elementwise.Unary("Relu", x, default(ReluFunction));
        return Record(y, () => new ReluOp(x), x);
    }

    // ∂y/∂x = [x > 0] (0 at x = 0), so dx = g where x > 0 and 0 elsewhere: one pass over x and g.
    public override Tensor?[] Backward(Tensor g) => [Elementwise.Binary("Relu", Inputs[0], g, default(ReluGradFunction))];
}
