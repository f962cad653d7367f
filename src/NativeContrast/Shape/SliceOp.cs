using NativeContrast.Autograd;
using NativeContrast.Backends;
using NativeContrast.Kernels;

namespace NativeContrast.Ops;

/// <summary>x[…, start : start + length, …] along one axis. Along axis 0 it is a view; otherwise a copy.</summary>
internal sealed class SliceOp : AutogradNode
{
    private readonly int axis;
    private readonly int start;

    private SliceOp(Tensor x, int axis, int start) : base(x)
    {
        this.axis = axis;
        this.start = start;
    }

    public static Tensor Forward(Tensor x, int axis, int start, int length)
    {
        axis = Shapes.Axis(axis, x.Rank, "Slice");
        int size = x.ShapeArray[axis];
        if (start < 0 || length < 0 || start + length > size)
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice: [{start}, {start + length}) is outside axis {axis} of size {size} (shape {Shapes.Format(x.ShapeArray)}).");
        var shape = (int[])x.ShapeArray.Clone();
        shape[axis] = length;
        Tensor y;
        var (_, _, inner) = Shapes.AroundAxis(x.ShapeArray, axis);
        if (axis == 0)
        {
            y = x.View(x.Offset + start * inner, shape);
        }
        else
        {
            y = Tensor.Empty(shape, x.Device, x.DType);
            var source = new BufferSlice(x.Data.Buffer, x.Offset + start * inner, x.Count - start * inner);
            x.Backend.StridedCopy(source, y.Data, StridedPair.Create(shape, Shapes.Strides(x.ShapeArray), Shapes.Strides(shape)), y.Count);
        }
        return Record(y, () => new SliceOp(x, axis, start), x);
    }

    /// <summary>Writes <paramref name="part"/> into <paramref name="whole"/> at <paramref name="start"/> along <paramref name="axis"/>.</summary>
    internal static void CopyInto(Tensor part, Tensor whole, int axis, int start)
    {
        var (_, _, inner) = Shapes.AroundAxis(whole.ShapeArray, axis);
        var destination = new BufferSlice(whole.Data.Buffer, whole.Offset + start * inner, whole.Count - start * inner);
        whole.Backend.StridedCopy(part.Data, destination, StridedPair.Create(part.ShapeArray, Shapes.Strides(part.ShapeArray), Shapes.Strides(whole.ShapeArray)), part.Count);
    }

    // ∂y/∂x selects the window: dx is g inside it and 0 outside.
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var dx = Tensor.Zeros(x.ShapeArray, x.Device, x.DType);
        CopyInto(g, dx, axis, start);
        return [dx];
    }
}
