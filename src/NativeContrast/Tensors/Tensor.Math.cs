using NativeContrast.Ops;

namespace NativeContrast;

/// <summary>Arithmetic, reductions, matmul and the fused row-wise ops, all recorded by autograd.</summary>
public sealed partial class Tensor
{
    /// <summary>Elementwise a + b, broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => ElementwiseOps.Add(a, b);

    /// <summary>Elementwise a − b, broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => ElementwiseOps.Subtract(a, b);

    /// <summary>Elementwise a · b, broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => ElementwiseOps.Multiply(a, b);

    /// <summary>Elementwise a / b, broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => ElementwiseOps.Divide(a, b);

    /// <summary>Elementwise −x.</summary>
    public static Tensor operator -(Tensor x) => ElementwiseOps.Neg(x);

    /// <summary>x + s for every element.</summary>
    public static Tensor operator +(Tensor x, double s) => ElementwiseOps.ScaleShift(x, 1.0, s);

    /// <summary>s + x for every element.</summary>
    public static Tensor operator +(double s, Tensor x) => ElementwiseOps.ScaleShift(x, 1.0, s);

    /// <summary>x − s for every element.</summary>
    public static Tensor operator -(Tensor x, double s) => ElementwiseOps.ScaleShift(x, 1.0, -s);

    /// <summary>s − x for every element.</summary>
    public static Tensor operator -(double s, Tensor x) => ElementwiseOps.ScaleShift(x, -1.0, s);

    /// <summary>x · s for every element.</summary>
    public static Tensor operator *(Tensor x, double s) => ElementwiseOps.ScaleShift(x, s, 0.0);

    /// <summary>s · x for every element.</summary>
    public static Tensor operator *(double s, Tensor x) => ElementwiseOps.ScaleShift(x, s, 0.0);

    /// <summary>x / s for every element.</summary>
    public static Tensor operator /(Tensor x, double s) => ElementwiseOps.ScaleShift(x, 1.0 / s, 0.0);

    /// <summary>Elementwise this + other, broadcasting.</summary>
    public Tensor Add(Tensor other) => ElementwiseOps.Add(this, other);

    /// <summary>Elementwise this − other, broadcasting.</summary>
    public Tensor Subtract(Tensor other) => ElementwiseOps.Subtract(this, other);

    /// <summary>Elementwise this · other, broadcasting.</summary>
    public Tensor Multiply(Tensor other) => ElementwiseOps.Multiply(this, other);

    /// <summary>Elementwise this / other, broadcasting.</summary>
    public Tensor Divide(Tensor other) => ElementwiseOps.Divide(this, other);

    /// <summary>Elementwise −x.</summary>
    public Tensor Neg() => ElementwiseOps.Neg(this);

    /// <summary>Elementwise eˣ.</summary>
    public Tensor Exp() => ElementwiseOps.Exp(this);

    /// <summary>Elementwise natural logarithm.</summary>
    public Tensor Log() => ElementwiseOps.Log(this);

    /// <summary>Elementwise square root.</summary>
    public Tensor Sqrt() => ElementwiseOps.Sqrt(this);

    /// <summary>x^exponent elementwise.</summary>
    public Tensor Pow(double exponent) => ElementwiseOps.Pow(this, exponent);

    /// <summary>Elementwise |x| (gradient sign(x), 0 at 0).</summary>
    public Tensor Abs() => ElementwiseOps.Abs(this);

    /// <summary>Elementwise max(x, 0) (gradient 0 at 0).</summary>
    public Tensor Relu() => ElementwiseOps.Relu(this);

    /// <summary>Elementwise min(max(x, min), max) (gradient 1 inside the range, 0 outside).</summary>
    public Tensor Clamp(double min, double max) => ElementwiseOps.Clamp(this, min, max);

    /// <summary>s·x + t.</summary>
    public Tensor ScaleShift(double scale, double shift = 0.0) => ElementwiseOps.ScaleShift(this, scale, shift);

    /// <summary>Sum over <paramref name="axes"/> (all when empty).</summary>
    public Tensor Sum(int[] axes, bool keepDims = false) => SumOp.Forward(this, axes, keepDims);

    /// <summary>Sum of all elements: a scalar.</summary>
    public Tensor Sum() => SumOp.Forward(this, [], false);

    /// <summary>The sum over <paramref name="axis"/> (kept as size 1 when <paramref name="keepDims"/>).</summary>
    public Tensor Sum(int axis, bool keepDims = false) => SumOp.Forward(this, [axis], keepDims);

    /// <summary>Mean over <paramref name="axes"/> (all when empty): the sum scaled by 1/count.</summary>
    public Tensor Mean(int[] axes, bool keepDims = false)
    {
        int count = axes.Length == 0 ? Count : axes.Select(a => shape[Shapes.Axis(a, Rank, "Mean")]).Aggregate(1, (p, d) => p * d);
        if (count == 0) throw new InvalidOperationException($"Mean over an empty set of elements (shape {Shapes.Format(shape)}).");
        // The intermediate sum belongs to the graph (and to the caller's scope), so it is not freed here.
        var sum = SumOp.Forward(this, axes, keepDims);
        return ElementwiseOps.ScaleShift(sum, 1.0 / count, 0.0);
    }

    /// <summary>The mean of every element (a scalar).</summary>
    public Tensor Mean() => Mean([]);

    /// <summary>The mean over <paramref name="axis"/> (kept as size 1 when <paramref name="keepDims"/>).</summary>
    public Tensor Mean(int axis, bool keepDims = false) => Mean([axis], keepDims);

    /// <summary>Maximum along one axis (the gradient goes to the first maximal element).</summary>
    public Tensor Max(int axis, bool keepDims = false) => MaxOp.Forward(this, axis, keepDims);

    /// <summary>Maximum of all elements: a scalar.</summary>
    public Tensor Max()
    {
        var flat = ReshapeOp.Forward(this, [-1]);
        return MaxOp.Forward(flat, 0, false);
    }

    /// <summary>op(a)·op(b); transposes swap the last two axes. Supports 2-D and batched 3-D operands.</summary>
    public static Tensor Matmul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false) =>
        MatmulOp.Forward(a, b, transposeA, transposeB);

    /// <summary>The matrix product [M, K] · [K, N] → [M, N].</summary>
    public Tensor Matmul(Tensor other) => MatmulOp.Forward(this, other, false, false);

    /// <summary>Row-wise L2 normalization of a [rows, cols] matrix (one fused op).</summary>
    public Tensor L2NormalizeRows() => L2NormalizeOp.Forward(this);

    /// <summary>Log-softmax over the last axis.</summary>
    public Tensor LogSoftmax() => LogSoftmaxOp.Forward(this);

    /// <summary>Mean cross-entropy of [rows, classes] logits against Int32 class indices.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels) => CrossEntropyOp.Forward(logits, labels);
}
