using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>y = x^p for a constant exponent p</summary>
internal sealed class PowOp : AutogradNode
{
    private readonly double exponent;

    private PowOp(Tensor x, Tensor y, double exponent) : base(x)
    {
        Output = y;
        this.exponent = exponent;
    }

    /// <summary>The forward result, kept for backward (not owned: the graph lives as long as its tensors).</summary>
    private Tensor Output { get; }

    public static Tensor Forward(Tensor x, double exponent)
    {
        var y = Elementwise.Unary("Pow", x, new PowFunction { Exponent = exponent });
        return Record(y, () => new PowOp(x, y, exponent), x);
    }

    // ∂y/∂x = p·x^(p−1).
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var y = Output;
        using var power = Elementwise.Unary("Pow", x, new PowFunction { Exponent = exponent - 1 });
        using var scaled = Elementwise.Unary("Pow", power, new ScaleShiftFunction { Scale = exponent });
        return [Elementwise.Binary("Pow", g, scaled, default(MultiplyFunction))];
    }
}
