using NativeContrast.Kernels;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>Unrecorded elementwise compute shared by the op classes: dispatch checks, broadcasting, reduction to a shape.</summary>
internal static class Elementwise
{
    public static Tensor Unary<TFunction>(string op, Tensor x, TFunction f) where TFunction : struct, IUnaryFunction
    {
        Tensor.CheckFloating(op, x);
        var y = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
        x.Backend.Unary(f, x.Data, y.Data);
        return y;
    }

    public static Tensor Binary<TFunction>(string op, Tensor a, Tensor b, TFunction f) where TFunction : struct, IBinaryFunction
    {
        Tensor.CheckCompatible(op, a, b);
        Tensor.CheckFloating(op, a);
        if (a.ShapeArray.AsSpan().SequenceEqual(b.ShapeArray))
        {
            var same = Tensor.Empty(a.ShapeArray, a.Device, a.DType);
            a.Backend.Binary(f, a.Data, b.Data, same.Data, null);
            return same;
        }
        var shape = Shapes.Broadcast(a.ShapeArray, b.ShapeArray, op);
        var y = Tensor.Empty(shape, a.Device, a.DType);
        var layout = StridedPair.Create(shape, Shapes.BroadcastStrides(a.ShapeArray, shape), Shapes.BroadcastStrides(b.ShapeArray, shape));
        a.Backend.Binary(f, a.Data, b.Data, y.Data, layout);
        return y;
    }

    /// <summary>Sums a broadcast gradient back down to <paramref name="shape"/> (the inverse of broadcasting).</summary>
    public static Tensor SumToShape(Tensor g, int[] shape)
    {
        if (g.ShapeArray.AsSpan().SequenceEqual(shape)) return g.Clone();
        int pad = g.Rank - shape.Length;
        var axes = new List<int>();
        for (int i = 0; i < g.Rank; i++)
            if (i < pad || (shape[i - pad] == 1 && g.ShapeArray[i] != 1)) axes.Add(i);
        using var summed = SumOp.Compute(g, axes.ToArray(), keepDims: true);
        return summed.Reshape(shape).Clone();
    }

    /// <summary>Reads <paramref name="x"/> broadcast to <paramref name="shape"/> into a new contiguous tensor.</summary>
    public static Tensor Expand(Tensor x, int[] shape)
    {
        var target = Shapes.Broadcast(x.ShapeArray, shape, "Expand");
        if (!target.AsSpan().SequenceEqual(shape))
            throw new ArgumentException($"Expand: shape {Shapes.Format(x.ShapeArray)} cannot be expanded to {Shapes.Format(shape)}.");
        var y = Tensor.Empty(shape, x.Device, x.DType);
        var layout = StridedPair.Create(shape, Shapes.BroadcastStrides(x.ShapeArray, shape), Shapes.Strides(shape));
        x.Backend.StridedCopy(x.Data, y.Data, layout, y.Count);
        return y;
    }
}
