using NativeContrast.Autograd;

namespace NativeContrast.Ops;

/// <summary>y = Σ x over the given axes (all axes when none are given).</summary>
internal sealed class SumOp : AutogradNode
{
    private readonly int[] keptShape;

    private SumOp(Tensor x, int[] keptShape) : base(x) => this.keptShape = keptShape;

    public static Tensor Forward(Tensor x, int[] axes, bool keepDims)
    {
        var y = Compute(x, axes, keepDims);
        var resolved = Resolve(x, axes);
        var kept = (int[])x.ShapeArray.Clone();
        foreach (var a in resolved) kept[a] = 1;
        return Record(y, () => new SumOp(x, kept), x);
    }

    /// <summary>Unrecorded sum: one [outer, reduced, inner] pass per axis, innermost first.</summary>
    internal static Tensor Compute(Tensor x, int[] axes, bool keepDims)
    {
        Tensor.CheckFloating("Sum", x);
        var resolved = Resolve(x, axes);
        var current = x;
        var shape = (int[])x.ShapeArray.Clone();
        foreach (var axis in resolved.OrderByDescending(a => a))
        {
            var (outer, size, inner) = Shapes.AroundAxis(shape, axis);
            shape[axis] = 1;
            var next = Tensor.Empty(shape, x.Device, x.DType);
            x.Backend.SumAxis(current.Data, next.Data, outer, size, inner);
            if (!ReferenceEquals(current, x)) current.Dispose();
            current = next;
        }
        if (ReferenceEquals(current, x)) current = x.Clone();
        if (keepDims) return current;
        var squeezed = shape.Where((_, i) => !resolved.Contains(i)).ToArray();
        var result = current.ReshapeView(squeezed);
        current.Dispose();
        return result;
    }

    private static int[] Resolve(Tensor x, int[] axes)
    {
        if (axes.Length == 0) return Enumerable.Range(0, x.Rank).ToArray();
        var resolved = axes.Select(a => Shapes.Axis(a, x.Rank, "Sum")).ToArray();
        if (resolved.Distinct().Count() != resolved.Length)
            throw new ArgumentException($"Sum: axes [{string.Join(", ", axes)}] repeat an axis.", nameof(axes));
        return resolved;
    }

    // ∂y/∂x = 1 for every summed element: broadcast g back over the summed axes.
    public override Tensor?[] Backward(Tensor g)
    {
        using var kept = g.ReshapeView(keptShape);
        return [Elementwise.Expand(kept, Inputs[0].ShapeArray)];
    }
}
