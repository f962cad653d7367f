using NativeContrast.Autograd;

namespace NativeContrast.Ops;

/// <summary>Gathers entries of x along one axis by an int32 index vector: y[…, j, …] = x[…, index[j], …].</summary>
internal sealed class IndexSelectOp : AutogradNode
{
    private readonly Tensor index;
    private readonly int axis;

    private IndexSelectOp(Tensor x, Tensor index, int axis) : base(x)
    {
        this.index = index;
        this.axis = axis;
    }

    public static Tensor Forward(Tensor x, int axis, Tensor index)
    {
        axis = Shapes.Axis(axis, x.Rank, "Gather");
        if (index.DType != DType.Int32 || index.Rank != 1)
            throw new ArgumentException($"Gather: the index must be a 1-D Int32 tensor; got {index.DType} of shape {Shapes.Format(index.ShapeArray)}.", nameof(index));
        if (!ReferenceEquals(index.Device, x.Device))
            throw new ArgumentException($"Gather: tensors are on different devices: the input is on '{x.Device.Name}' and the index on '{index.Device.Name}'.", nameof(index));
        int size = x.ShapeArray[axis];
        foreach (var i in index.ToIntArray())
            if (i < 0 || i >= size)
                throw new ArgumentOutOfRangeException(nameof(index), i, $"Gather: index {i} is out of range for axis {axis} of size {size}.");
        var (outer, n, inner) = Shapes.AroundAxis(x.ShapeArray, axis);
        var shape = (int[])x.ShapeArray.Clone();
        shape[axis] = index.Count;
        var y = Tensor.Empty(shape, x.Device, x.DType);
        if (y.Count > 0) x.Backend.IndexSelect(x.Data, index.Data, y.Data, outer, n, index.Count, inner);
        return Record(y, () => new IndexSelectOp(x, index, axis), x);
    }

    // ∂y[j]/∂x[i] = [index[j] = i]: dx[i] = Σ_{j: index[j] = i} g[j] (repeated indices add up).
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var (outer, n, inner) = Shapes.AroundAxis(x.ShapeArray, axis);
        var dx = Tensor.Zeros(x.ShapeArray, x.Device, x.DType);
        if (g.Count > 0) x.Backend.IndexAdd(g.Data, index.Data, dx.Data, outer, n, index.Count, inner);
        return [dx];
    }
}
