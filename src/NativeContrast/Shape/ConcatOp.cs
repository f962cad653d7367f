using NativeContrast.Autograd;

namespace NativeContrast.Ops;

/// <summary>Joins tensors along one axis; all other dimensions must match.</summary>
internal sealed class ConcatOp : AutogradNode
{
    private readonly int axis;

    private ConcatOp(Tensor[] parts, int axis) : base(parts) => this.axis = axis;

    public static Tensor Forward(Tensor[] parts, int axis)
    {
        if (parts.Length == 0) throw new ArgumentException("Concat needs at least one tensor.", nameof(parts));
        Tensor.CheckCompatible("Concat", parts);
        var first = parts[0];
        axis = Shapes.Axis(axis, first.Rank, "Concat");
        int total = 0;
        foreach (var p in parts)
        {
            bool ok = p.Rank == first.Rank;
            for (int i = 0; ok && i < p.Rank; i++) ok = i == axis || p.ShapeArray[i] == first.ShapeArray[i];
            if (!ok)
                throw new ArgumentException($"Concat along axis {axis}: shape {Shapes.Format(p.ShapeArray)} does not match {Shapes.Format(first.ShapeArray)} outside that axis.", nameof(parts));
            total += p.ShapeArray[axis];
        }
        var shape = (int[])first.ShapeArray.Clone();
        shape[axis] = total;
        var y = Tensor.Empty(shape, first.Device, first.DType);
        int at = 0;
        foreach (var p in parts)
        {
            if (p.Count > 0) SliceOp.CopyInto(p, y, axis, at);
            at += p.ShapeArray[axis];
        }
        return Record(y, () => new ConcatOp(parts, axis), parts);
    }

    // Each input's gradient is its own window of g.
    public override Tensor?[] Backward(Tensor g)
    {
        var grads = new Tensor?[Inputs.Length];
        int at = 0;
        for (int i = 0; i < Inputs.Length; i++)
        {
            int length = Inputs[i].ShapeArray[axis];
            if (Inputs[i].RequiresGrad)
            {
                using var window = SliceOp.Forward(g, axis, at, length);
                grads[i] = window.Clone();
            }
            at += length;
        }
        return grads;
    }
}
