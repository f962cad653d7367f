using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>y = s·x + t for constants s, t (multiplying or adding a scalar)</summary>
internal sealed class ScaleShiftOp : AutogradNode
{
    private readonly double scale;

    private ScaleShiftOp(Tensor x, Tensor y, double scale) : base(x)
    {
        Output = y;
        this.scale = scale;
    }

    /// <summary>The forward result, kept for backward (not owned: the graph lives as long as its tensors).</summary>
    private Tensor Output { get; }

    public static Tensor Forward(Tensor x, double scale, double shift)
    {
        var y = Elementwise.Unary("ScaleShift", x, new ScaleShiftFunction { Scale = scale, Shift = shift });
        return Record(y, () => new ScaleShiftOp(x, y, scale), x);
    }

    // ∂y/∂x = s.
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var y = Output;
        return [Elementwise.Unary("ScaleShift", g, new ScaleShiftFunction { Scale = scale })];
    }
}
