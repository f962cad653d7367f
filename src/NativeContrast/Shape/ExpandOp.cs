using NativeContrast.Autograd;

namespace NativeContrast.Ops;

/// <summary>Broadcasts x to a larger shape (NumPy rules), materialized.</summary>
internal sealed class ExpandOp : AutogradNode
{
    private ExpandOp(Tensor x) : base(x) { }

    public static Tensor Forward(Tensor x, int[] shape)
    {
        var y = Elementwise.Expand(x, shape);
        return Record(y, () => new ExpandOp(x), x);
    }

    // Each input element feeds every copy of it: dx sums g over the broadcast dimensions.
    public override Tensor?[] Backward(Tensor g) => [Elementwise.SumToShape(g, Inputs[0].ShapeArray)];
}
