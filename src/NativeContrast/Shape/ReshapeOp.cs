using NativeContrast.Autograd;

namespace NativeContrast.Ops;

/// <summary>The same elements under a new shape: a view sharing storage. One dimension may be −1 (inferred).</summary>
internal sealed class ReshapeOp : AutogradNode
{
    private ReshapeOp(Tensor x) : base(x) { }

    public static Tensor Forward(Tensor x, int[] shape)
    {
        var y = x.ReshapeView(Infer(x, shape));
        return Record(y, () => new ReshapeOp(x), x);
    }

    internal static int[] Infer(Tensor x, int[] shape)
    {
        var result = (int[])shape.Clone();
        int unknown = Array.IndexOf(result, -1);
        if (unknown >= 0)
        {
            if (Array.LastIndexOf(result, -1) != unknown)
                throw new ArgumentException($"Reshape: only one dimension may be -1; got {Shapes.Format(shape)}.", nameof(shape));
            int known = 1;
            for (int i = 0; i < result.Length; i++) if (i != unknown) known *= result[i];
            if (known == 0 || x.Count % known != 0)
                throw new ArgumentException($"Reshape: cannot infer -1 in {Shapes.Format(shape)} for {x.Count} elements ({Shapes.Format(x.ShapeArray)}).", nameof(shape));
            result[unknown] = x.Count / known;
        }
        if (Shapes.Count(result) != x.Count)
            throw new ArgumentException($"Reshape: shape {Shapes.Format(shape)} holds {Shapes.Count(result)} elements but the tensor {Shapes.Format(x.ShapeArray)} has {x.Count}.", nameof(shape));
        return result;
    }

    // ∂y/∂x is the identity on elements: reshape g back.
    public override Tensor?[] Backward(Tensor g) => [g.ReshapeView(Inputs[0].ShapeArray)];
}
