using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>y = min(max(x, lo), hi)</summary>
internal sealed class ClampOp : AutogradNode
{
    private readonly double min;
    private readonly double max;

    private ClampOp(Tensor x, Tensor y, double min, double max) : base(x)
    {
        Output = y;
        this.min = min;
        this.max = max;
    }

    /// <summary>The forward result, kept for backward (not owned: the graph lives as long as its tensors).</summary>
    private Tensor Output { get; }

    public static Tensor Forward(Tensor x, double min, double max)
    {
        if (min > max) throw new ArgumentException($"Clamp: min ({min}) is greater than max ({max}).", nameof(min));
        var y = Elementwise.Unary("Clamp", x, new ClampFunction { Min = min, Max = max });
        return Record(y, () => new ClampOp(x, y, min, max), x);
    }

    // ∂y/∂x = [lo < x < hi] (0 where clamped, and at the bounds).
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var y = Output;
        using var inside = Elementwise.Unary("Clamp", x, new InsideFunction { Min = min, Max = max });
        return [Elementwise.Binary("Clamp", g, inside, default(MultiplyFunction))];
    }
}
