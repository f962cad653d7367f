using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>y = |x|</summary>
internal sealed class AbsOp : AutogradNode
{

    private AbsOp(Tensor x, Tensor y) : base(x)
    {
        Output = y;
    }

    /// <summary>The forward result, kept for backward (not owned: the graph lives as long as its tensors).</summary>
    private Tensor Output { get; }

    public static Tensor Forward(Tensor x)
    {
        var y = Elementwise.Unary("Abs", x, default(AbsFunction));
        return Record(y, () => new AbsOp(x, y), x);
    }

    // ∂y/∂x = sign(x) (0 at x = 0, as PyTorch).
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var y = Output;
        using var sign = Elementwise.Unary("Abs", x, default(SignFunction));
        return [Elementwise.Binary("Abs", g, sign, default(MultiplyFunction))];
    }
}
