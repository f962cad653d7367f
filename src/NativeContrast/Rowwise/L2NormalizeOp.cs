using NativeContrast.Autograd;

namespace NativeContrast.Ops;

/// <summary>
/// Row-wise L2 normalization of a [rows, cols] matrix, one fused pass: y_i = x_i / max(‖x_i‖, ε).
/// ε = 1e-12 as in PyTorch's F.normalize, so an all-zero row gives zeros rather than NaN.
/// </summary>
internal sealed class L2NormalizeOp : AutogradNode
{
    public const float Epsilon = 1e-12f;

    private readonly Tensor output;
    private readonly Tensor norms;

    private L2NormalizeOp(Tensor x, Tensor output, Tensor norms) : base(x)
    {
        this.output = output;
        this.norms = norms;
    }

    public static Tensor Forward(Tensor x)
    {
        Tensor.CheckFloating("L2Normalize", x);
        if (x.Rank != 2) throw new ArgumentException($"L2Normalize needs a [rows, cols] matrix; got {Shapes.Format(x.ShapeArray)}.", nameof(x));
        int rows = x.ShapeArray[0], cols = x.ShapeArray[1];
        var y = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
        var norms = Tensor.Empty([rows], x.Device, x.DType);
        if (y.Count > 0) x.Backend.L2Normalize(x.Data, y.Data, norms.Data, rows, cols, Epsilon);
        return Record(y, () => new L2NormalizeOp(x, y, norms), x);
    }

    // y = x/r with r = ‖x‖: ∂y_j/∂x_k = (δ_jk − y_j y_k)/r, so dx = (g − y·(g·y))/r.
    // Below ε the divisor is the constant ε: dx = g/ε.
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        int rows = x.ShapeArray[0], cols = x.ShapeArray[1];
        var dx = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
        if (dx.Count > 0) x.Backend.L2NormalizeBackward(g.Data, output.Data, norms.Data, dx.Data, rows, cols, Epsilon);
        return [dx];
    }
}
