using NativeContrast.Ops;

namespace NativeContrast;

/// <summary>Shape ops: reshape and row slices are views; the rest copy.</summary>
public sealed partial class Tensor
{
    /// <summary>The same elements under a new shape (a view). One dimension may be −1.</summary>
    public Tensor Reshape(params int[] newShape) => ReshapeOp.Forward(this, newShape);

    /// <summary>Swaps two axes.</summary>
    public Tensor Transpose(int axis0 = -2, int axis1 = -1) => TransposeOp.Forward(this, axis0, axis1);

    /// <summary>Joins tensors along an axis.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0) => ConcatOp.Forward(tensors.ToArray(), axis);

    /// <summary><paramref name="length"/> entries from <paramref name="start"/> along <paramref name="axis"/> (a view when axis is 0).</summary>
    public Tensor Slice(int axis, int start, int length) => SliceOp.Forward(this, axis, start, length);

    /// <summary>Rows [start, start + length): a view sharing storage.</summary>
    public Tensor Rows(int start, int length) => SliceOp.Forward(this, 0, start, length);

    /// <summary>Entries along <paramref name="axis"/> picked by an Int32 index vector (repeats allowed).</summary>
    public Tensor Gather(int axis, Tensor index) => IndexSelectOp.Forward(this, axis, index);

    /// <summary>Broadcasts to <paramref name="newShape"/> (materialized).</summary>
    public Tensor Expand(params int[] newShape) => ExpandOp.Forward(this, newShape);

    /// <summary>An unrecorded view of the same storage under another shape with the same count.</summary>
    internal Tensor ReshapeView(int[] newShape) => View(offset, newShape);

    /// <summary>An unrecorded view of part of the same storage.</summary>
    internal Tensor View(int elementOffset, int[] newShape)
    {
        _ = Data; // throws when disposed
        storage.AddReference();
        return new Tensor(storage, elementOffset, (int[])newShape.Clone(), DType);
    }
}
