using NativeContrast.Autograd;

namespace NativeContrast.Ops;

/// <summary>y = max of x along one axis (first index wins ties; NaN propagates).</summary>
internal sealed class MaxOp : AutogradNode
{
    private readonly Tensor argMax;
    private readonly int axis;

    private MaxOp(Tensor x, Tensor argMax, int axis) : base(x)
    {
        this.argMax = argMax;
        this.axis = axis;
    }

    public static Tensor Forward(Tensor x, int axis, bool keepDims)
    {
        Tensor.CheckFloating("Max", x);
        axis = Shapes.Axis(axis, x.Rank, "Max");
        if (x.ShapeArray[axis] == 0) throw new ArgumentException($"Max: axis {axis} of shape {Shapes.Format(x.ShapeArray)} is empty.");
        var (outer, size, inner) = Shapes.AroundAxis(x.ShapeArray, axis);
        var shape = keepDims
            ? x.ShapeArray.Select((d, i) => i == axis ? 1 : d).ToArray()
            : x.ShapeArray.Where((_, i) => i != axis).ToArray();
        var y = Tensor.Empty(shape, x.Device, x.DType);
        var arg = Tensor.Empty(shape, x.Device, DType.Int32);
        x.Backend.MaxAxis(x.Data, y.Data, arg.Data, outer, size, inner);
        return Record(y, () => new MaxOp(x, arg, axis), x);
    }

    // ∂y/∂x = 1 at the arg-max of each slice, 0 elsewhere.
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var (outer, size, inner) = Shapes.AroundAxis(x.ShapeArray, axis);
        var dx = Tensor.Zeros(x.ShapeArray, x.Device, x.DType);
        x.Backend.ScatterAxis(g.Data, argMax.Data, dx.Data, outer, size, inner);
        return [dx];
    }
}
