using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>y = eˣ</summary>
internal sealed class ExpOp : AutogradNode
{

    private ExpOp(Tensor x, Tensor y) : base(x)
    {
        Output = y;
    }

    /// <summary>The forward result, kept for backward (not owned: the graph lives as long as its tensors).</summary>
    private Tensor Output { get; }

    public static Tensor Forward(Tensor x)
    {
        var y = Elementwise.Unary("Exp", x, default(ExpFunction));
        return Record(y, () => new ExpOp(x, y), x);
    }

    // ∂y/∂x = eˣ = y.
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var y = Output;
        return [Elementwise.Binary("Exp", g, y, default(MultiplyFunction))];
    }
}
