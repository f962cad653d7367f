using NativeContrast.Autograd;

namespace NativeContrast.Ops;

/// <summary>
/// The recorded node of a binary elementwise op y = f(a, b) with NumPy broadcasting; its gradient rules come
/// from <see cref="ElementwiseOps"/>, and broadcast dimensions are summed back to each input's shape here.
/// </summary>
internal sealed class BinaryElementwiseOp : AutogradNode
{
    /// <summary>The gradient of one input at the output's shape, from g, a and b: a new tensor, or g itself.</summary>
    public delegate Tensor Rule(Tensor g, Tensor a, Tensor b);

    private readonly string name;
    private readonly Rule ruleA;
    private readonly Rule ruleB;

    public BinaryElementwiseOp(string name, Tensor a, Tensor b, Rule ruleA, Rule ruleB) : base(a, b)
    {
        this.name = name;
        this.ruleA = ruleA;
        this.ruleB = ruleB;
    }

    public override string Name => name;

    public override Tensor?[] Backward(Tensor g)
    {
        var a = Inputs[0];
        var b = Inputs[1];
        return [a.RequiresGrad ? Reduced(ruleA(g, a, b), g, a.ShapeArray) : null,
                b.RequiresGrad ? Reduced(ruleB(g, a, b), g, b.ShapeArray) : null];
    }

    /// <summary>The gradient summed back to <paramref name="shape"/>; a temporary the rule made is freed.</summary>
    private static Tensor Reduced(Tensor gradient, Tensor g, int[] shape)
    {
        if (ReferenceEquals(gradient, g)) return Elementwise.SumToShape(g, shape);
        using (gradient) return Elementwise.SumToShape(gradient, shape);
    }
}
