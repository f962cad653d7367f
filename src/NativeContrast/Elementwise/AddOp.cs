using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>y = a + b, with NumPy broadcasting.</summary>
internal sealed class AddOp : AutogradNode
{
    private AddOp(Tensor a, Tensor b) : base(a, b) { }

    public static Tensor Forward(Tensor a, Tensor b)
    {
        var y = Elementwise.Binary("Add", a, b, default(AddFunction));
        return Record(y, () => new AddOp(a, b), a, b);
    }

    // ∂y/∂a = 1, ∂y/∂b = 1; broadcast dimensions sum back.
    public override Tensor?[] Backward(Tensor g)
    {
        var a = Inputs[0];
        var b = Inputs[1];
        return [a.RequiresGrad ? Elementwise.SumToShape(g, a.ShapeArray) : null,
                b.RequiresGrad ? Elementwise.SumToShape(g, b.ShapeArray) : null];
    }
}
