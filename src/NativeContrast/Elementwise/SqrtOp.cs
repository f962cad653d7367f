using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>y = √x</summary>
internal sealed class SqrtOp : AutogradNode
{

    private SqrtOp(Tensor x, Tensor y) : base(x)
    {
        Output = y;
    }

    /// <summary>The forward result, kept for backward (not owned: the graph lives as long as its tensors).</summary>
    private Tensor Output { get; }

    public static Tensor Forward(Tensor x)
    {
        var y = Elementwise.Unary("Sqrt", x, default(SqrtFunction));
        return Record(y, () => new SqrtOp(x, y), x);
    }

    // ∂y/∂x = 1/(2√x) = 0.5/y.
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var y = Output;
        using var half = Elementwise.Binary("Sqrt", g, y, default(DivideFunction));
        return [Elementwise.Unary("Sqrt", half, new ScaleShiftFunction { Scale = 0.5 })];
    }
}
