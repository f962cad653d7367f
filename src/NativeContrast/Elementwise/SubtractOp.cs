using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>y = a − b, with NumPy broadcasting.</summary>
internal sealed class SubtractOp : AutogradNode
{
    private SubtractOp(Tensor a, Tensor b) : base(a, b) { }

    public static Tensor Forward(Tensor a, Tensor b)
    {
        var y = Elementwise.Binary("Subtract", a, b, default(SubtractFunction));
        return Record(y, () => new SubtractOp(a, b), a, b);
    }

    // ∂y/∂a = 1, ∂y/∂b = −1.
    public override Tensor?[] Backward(Tensor g)
    {
        var a = Inputs[0];
        var b = Inputs[1];
        Tensor? gb = null;
        if (b.RequiresGrad)
        {
            using var neg = Elementwise.Unary("Subtract", g, default(NegFunction));
            gb = Elementwise.SumToShape(neg, b.ShapeArray);
        }
        return [a.RequiresGrad ? Elementwise.SumToShape(g, a.ShapeArray) : null, gb];
    }
}
