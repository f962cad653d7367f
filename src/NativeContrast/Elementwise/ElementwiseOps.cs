using System.Runtime.CompilerServices;
using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>
/// Every elementwise op of the engine, one line each (tinygrad's idea): the op's name, its forward function
/// (a struct in <c>NativeContrast.Kernels.Ops</c> that drives both the SIMD loop and the ILGPU kernel) and its
/// gradient rule, with the derivative in the comment. A unary rule maps (g, x, y) to ∂L/∂x; a binary rule maps
/// (g, a, b) to the gradient of one input before broadcast dimensions are summed back. Rules run with
/// recording off; <see cref="Times"/>, <see cref="Scaled"/>, <see cref="DividedBy"/> and <see cref="Negated"/>
/// free the intermediate they are handed, so a rule is one expression.
/// </summary>
internal static class ElementwiseOps
{
    private static readonly MultiplyFunction Mul = default;
    private static readonly DivideFunction Div = default;

    // ∂y/∂x = −1.
    public static Tensor Neg(Tensor x) => Unary(x, default(NegFunction), static (g, x, y) => Map(g, default(NegFunction)));

    // ∂y/∂x = eˣ = y.
    public static Tensor Exp(Tensor x) => Unary(x, MathFunction.Exp, static (g, x, y) => Zip(g, y, Mul));

    // ∂y/∂x = 1/x.
    public static Tensor Log(Tensor x) => Unary(x, MathFunction.Log, static (g, x, y) => Zip(g, x, Div));

    // ∂y/∂x = 1/(2√x) = 0.5/y.
    public static Tensor Sqrt(Tensor x) => Unary(x, MathFunction.Sqrt, static (g, x, y) => Scaled(Zip(g, y, Div), 0.5));

    // ∂y/∂x = sign(x) (0 at x = 0, as PyTorch).
    public static Tensor Abs(Tensor x) => Unary(x, MathFunction.Abs, static (g, x, y) => Times(g, Map(x, default(SignFunction))));

    // ∂y/∂x = [x > 0] (0 at x = 0): dx = g where x > 0, in one pass over x and g.
    public static Tensor Relu(Tensor x) => Unary(x, default(ReluFunction), static (g, x, y) => Zip(x, g, default(ReluGradFunction)));

    // ∂y/∂x = GELU'(x), as in GeluGradFunction.
    public static Tensor Gelu(Tensor x) => Unary(x, default(GeluFunction), static (g, x, y) => Times(g, Map(x, default(GeluGradFunction))));

    // ∂y/∂x = [lo < x < hi] (0 where clamped, and at the bounds).
    public static Tensor Clamp(Tensor x, double min, double max) => min > max
        ? throw new ArgumentException($"Clamp: min ({min}) is greater than max ({max}).", nameof(min))
        : Unary(x, new ClampFunction { Min = min, Max = max }, (g, x, y) => Times(g, Map(x, new InsideFunction { Min = min, Max = max })));

    // ∂y/∂x = s (y = s·x + t).
    public static Tensor ScaleShift(Tensor x, double scale, double shift) =>
        Unary(x, new ScaleShiftFunction { Scale = scale, Shift = shift }, (g, x, y) => Map(g, new ScaleShiftFunction { Scale = scale }));

    // ∂y/∂x = p·x^(p−1).
    public static Tensor Pow(Tensor x, double p) =>
        Unary(x, new PowFunction { Exponent = p }, (g, x, y) => Times(g, Scaled(Map(x, new PowFunction { Exponent = p - 1 }), p)));

    // ∂y/∂a = 1, ∂y/∂b = 1.
    public static Tensor Add(Tensor a, Tensor b) => Binary(a, b, default(AddFunction), static (g, a, b) => g, static (g, a, b) => g);

    // ∂y/∂a = 1, ∂y/∂b = −1.
    public static Tensor Subtract(Tensor a, Tensor b) => Binary(a, b, default(SubtractFunction), static (g, a, b) => g, static (g, a, b) => Map(g, default(NegFunction)));

    // ∂y/∂a = b, ∂y/∂b = a.
    public static Tensor Multiply(Tensor a, Tensor b) => Binary(a, b, Mul, static (g, a, b) => Zip(g, b, Mul), static (g, a, b) => Zip(g, a, Mul));

    // ∂y/∂a = 1/b, ∂y/∂b = −a/b².
    public static Tensor Divide(Tensor a, Tensor b) =>
        Binary(a, b, Div, static (g, a, b) => Zip(g, b, Div), static (g, a, b) => Negated(Times(g, DividedBy(Zip(a, b, Div), b))));

    private static Tensor Unary<TFunction>(Tensor x, TFunction f, UnaryElementwiseOp.Rule rule, [CallerMemberName] string name = "")
        where TFunction : struct, IUnaryFunction
    {
        var y = Elementwise.Unary(name, x, f);
        return AutogradNode.Record(y, () => new UnaryElementwiseOp(name, x, y, rule), x);
    }

    private static Tensor Binary<TFunction>(Tensor a, Tensor b, TFunction f, BinaryElementwiseOp.Rule ruleA, BinaryElementwiseOp.Rule ruleB,
        [CallerMemberName] string name = "") where TFunction : struct, IBinaryFunction
    {
        var y = Elementwise.Binary(name, a, b, f);
        return AutogradNode.Record(y, () => new BinaryElementwiseOp(name, a, b, ruleA, ruleB), a, b);
    }

    private static Tensor Map<TFunction>(Tensor x, TFunction f) where TFunction : struct, IUnaryFunction => Elementwise.Unary("Backward", x, f);

    private static Tensor Zip<TFunction>(Tensor a, Tensor b, TFunction f) where TFunction : struct, IBinaryFunction => Elementwise.Binary("Backward", a, b, f);

    /// <summary>g ⊙ <paramref name="owned"/>, freeing <paramref name="owned"/>.</summary>
    private static Tensor Times(Tensor g, Tensor owned)
    {
        using (owned) return Zip(g, owned, Mul);
    }

    /// <summary><paramref name="owned"/> / b, freeing <paramref name="owned"/>.</summary>
    private static Tensor DividedBy(Tensor owned, Tensor b)
    {
        using (owned) return Zip(owned, b, Div);
    }

    /// <summary>s · <paramref name="owned"/>, freeing <paramref name="owned"/>.</summary>
    private static Tensor Scaled(Tensor owned, double s)
    {
        using (owned) return Map(owned, new ScaleShiftFunction { Scale = s });
    }

    /// <summary>−<paramref name="owned"/>, freeing <paramref name="owned"/>.</summary>
    private static Tensor Negated(Tensor owned)
    {
        using (owned) return Map(owned, default(NegFunction));
    }
}
