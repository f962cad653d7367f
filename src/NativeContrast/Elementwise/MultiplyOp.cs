using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>y = a · b, with NumPy broadcasting.</summary>
internal sealed class MultiplyOp : AutogradNode
{
    private MultiplyOp(Tensor a, Tensor b) : base(a, b) { }

    public static Tensor Forward(Tensor a, Tensor b)
    {
        var y = Elementwise.Binary("Multiply", a, b, default(MultiplyFunction));
        return Record(y, () => new MultiplyOp(a, b), a, b);
    }

    // ∂y/∂a = b, ∂y/∂b = a.
    public override Tensor?[] Backward(Tensor g)
    {
        var a = Inputs[0];
        var b = Inputs[1];
        Tensor? ga = null, gb = null;
        if (a.RequiresGrad)
        {
            using var t = Elementwise.Binary("Multiply", g, b, default(MultiplyFunction));
            ga = Elementwise.SumToShape(t, a.ShapeArray);
        }
        if (b.RequiresGrad)
        {
            using var t = Elementwise.Binary("Multiply", g, a, default(MultiplyFunction));
            gb = Elementwise.SumToShape(t, b.ShapeArray);
        }
        return [ga, gb];
    }
}
