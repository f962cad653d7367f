using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>y = max(x, 0)</summary>
internal sealed class ReluOp : AutogradNode
{

    private ReluOp(Tensor x, Tensor y) : base(x)
    {
        Output = y;
    }

    /// <summary>The forward result, kept for backward (not owned: the graph lives as long as its tensors).</summary>
    private Tensor Output { get; }

    public static Tensor Forward(Tensor x)
    {
        var y = Elementwise.Unary("Relu", x, default(ReluFunction));
        return Record(y, () => new ReluOp(x, y), x);
    }

    // ∂y/∂x = [x > 0] (0 at x = 0).
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var y = Output;
        using var step = Elementwise.Unary("Relu", x, default(StepFunction));
        return [Elementwise.Binary("Relu", g, step, default(MultiplyFunction))];
    }
}
