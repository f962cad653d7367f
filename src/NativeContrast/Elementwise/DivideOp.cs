using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>y = a / b, with NumPy broadcasting.</summary>
internal sealed class DivideOp : AutogradNode
{
    private DivideOp(Tensor a, Tensor b) : base(a, b) { }

    public static Tensor Forward(Tensor a, Tensor b)
    {
        var y = Elementwise.Binary("Divide", a, b, default(DivideFunction));
        return Record(y, () => new DivideOp(a, b), a, b);
    }

    // ∂y/∂a = 1/b, ∂y/∂b = −a/b².
    public override Tensor?[] Backward(Tensor g)
    {
        var a = Inputs[0];
        var b = Inputs[1];
        Tensor? ga = null, gb = null;
        if (a.RequiresGrad)
        {
            using var t = Elementwise.Binary("Divide", g, b, default(DivideFunction));
            ga = Elementwise.SumToShape(t, a.ShapeArray);
        }
        if (b.RequiresGrad)
        {
            using var ab = Elementwise.Binary("Divide", a, b, default(DivideFunction));
            using var abb = Elementwise.Binary("Divide", ab, b, default(DivideFunction));
            using var t = Elementwise.Binary("Divide", g, abb, default(MultiplyFunction));
            using var neg = Elementwise.Unary("Divide", t, default(NegFunction));
            gb = Elementwise.SumToShape(neg, b.ShapeArray);
        }
        return [ga, gb];
    }
}
