using NativeContrast.Autograd;

namespace NativeContrast.Ops;

/// <summary>The recorded node of a unary elementwise op y = f(x); its gradient rule comes from <see cref="ElementwiseOps"/>.</summary>
internal sealed class UnaryElementwiseOp : AutogradNode
{
    /// <summary>∂L/∂x from the upstream gradient g, the input x and the output y (a new tensor).</summary>
    public delegate Tensor Rule(Tensor g, Tensor x, Tensor y);

    private readonly string name;
    private readonly Tensor output;
    private readonly Rule rule;

    public UnaryElementwiseOp(string name, Tensor x, Tensor y, Rule rule) : base(x)
    {
        this.name = name;
        output = y; // kept for backward, not owned: the graph lives as long as its tensors
        this.rule = rule;
    }

    public override string Name => name;

    public override Tensor?[] Backward(Tensor g) => [rule(g, Inputs[0], output)];
}
