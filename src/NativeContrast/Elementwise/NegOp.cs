using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>y = −x</summary>
internal sealed class NegOp : AutogradNode
{

    private NegOp(Tensor x, Tensor y) : base(x)
    {
        Output = y;
    }

    /// <summary>The forward result, kept for backward (not owned: the graph lives as long as its tensors).</summary>
    private Tensor Output { get; }

    public static Tensor Forward(Tensor x)
    {
        var y = Elementwise.Unary("Neg", x, default(NegFunction));
        return Record(y, () => new NegOp(x, y), x);
    }

    // ∂y/∂x = −1.
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var y = Output;
        return [Elementwise.Unary("Neg", g, default(NegFunction))];
    }
}
