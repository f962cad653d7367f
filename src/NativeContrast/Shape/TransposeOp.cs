using NativeContrast.Autograd;
using NativeContrast.Kernels;

namespace NativeContrast.Ops;

/// <summary>Swaps two axes (a copy into contiguous storage).</summary>
internal sealed class TransposeOp : AutogradNode
{
    private readonly int axis0;
    private readonly int axis1;

    private TransposeOp(Tensor x, int axis0, int axis1) : base(x)
    {
        this.axis0 = axis0;
        this.axis1 = axis1;
    }

    public static Tensor Forward(Tensor x, int axis0, int axis1)
    {
        axis0 = Shapes.Axis(axis0, x.Rank, "Transpose");
        axis1 = Shapes.Axis(axis1, x.Rank, "Transpose");
        var y = Compute(x, axis0, axis1);
        return Record(y, () => new TransposeOp(x, axis0, axis1), x);
    }

    private static Tensor Compute(Tensor x, int axis0, int axis1)
    {
        var shape = (int[])x.ShapeArray.Clone();
        (shape[axis0], shape[axis1]) = (shape[axis1], shape[axis0]);
        var sourceStrides = Shapes.Strides(x.ShapeArray);
        (sourceStrides[axis0], sourceStrides[axis1]) = (sourceStrides[axis1], sourceStrides[axis0]);
        var y = Tensor.Empty(shape, x.Device, x.DType);
        x.Backend.StridedCopy(x.Data, y.Data, StridedPair.Create(shape, sourceStrides, Shapes.Strides(shape)), y.Count);
        return y;
    }

    // A permutation of elements: its gradient is the inverse permutation, the same swap.
    public override Tensor?[] Backward(Tensor g) => [Compute(g, axis0, axis1)];
}
