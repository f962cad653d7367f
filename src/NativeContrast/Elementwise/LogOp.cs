using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>y = ln x</summary>
internal sealed class LogOp : AutogradNode
{

    private LogOp(Tensor x, Tensor y) : base(x)
    {
        Output = y;
    }

    /// <summary>The forward result, kept for backward (not owned: the graph lives as long as its tensors).</summary>
    private Tensor Output { get; }

    public static Tensor Forward(Tensor x)
    {
        var y = Elementwise.Unary("Log", x, default(LogFunction));
        return Record(y, () => new LogOp(x, y), x);
    }

    // ∂y/∂x = 1/x.
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var y = Output;
        return [Elementwise.Binary("Log", g, x, default(DivideFunction))];
    }
}
