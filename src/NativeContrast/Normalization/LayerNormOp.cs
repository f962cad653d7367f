using NativeContrast.Autograd;

namespace NativeContrast.Ops;

/// <summary>Layer normalization over the last axis (D): y = γ·(x − μ)·r + β, r = 1/√(σ² + ε), μ and σ² per row.</summary>
internal sealed class LayerNormOp : AutogradNode
{
    private readonly Tensor mean;
    private readonly Tensor invStd;

    private LayerNormOp(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor invStd) : base(x, gamma, beta)
    {
        this.mean = mean;
        this.invStd = invStd;
    }

    public static Tensor Forward(Tensor x, Tensor gamma, Tensor beta, double eps)
    {
        Tensor.CheckFloating("LayerNorm", x);
        Tensor.CheckCompatible("LayerNorm", x, gamma, beta);
        if (x.Rank < 1) throw new ArgumentException("LayerNorm needs at least one axis.", nameof(x));
        int cols = x.ShapeArray[^1], rows = x.Count / Math.Max(1, cols);
        if (gamma.Rank != 1 || gamma.ShapeArray[0] != cols || beta.Rank != 1 || beta.ShapeArray[0] != cols)
            throw new ArgumentException($"LayerNorm over {cols} features: weight and bias must have shape [{cols}]; got {Shapes.Format(gamma.ShapeArray)} and {Shapes.Format(beta.ShapeArray)}.");
        var y = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
        var mean = Tensor.Empty([rows], x.Device, x.DType);
        var invStd = Tensor.Empty([rows], x.Device, x.DType);
        if (y.Count > 0) x.Backend.LayerNormForward(x.Data, gamma.Data, beta.Data, y.Data, mean.Data, invStd.Data, rows, cols, (float)eps);
        return Record(y, () => new LayerNormOp(x, gamma, beta, mean, invStd), x, gamma, beta);
    }

    // With ĝ = g·γ per row: dx = r/D·(D·ĝ − Σĝ − x̂·Σ(ĝ·x̂)); dγ = Σ_rows g·x̂, dβ = Σ_rows g.
    public override Tensor?[] Backward(Tensor g)
    {
        var (x, gamma, beta) = (Inputs[0], Inputs[1], Inputs[2]);
        int cols = x.ShapeArray[^1], rows = x.Count / Math.Max(1, cols);
        var dx = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
        var dGamma = Tensor.Empty(gamma.ShapeArray, x.Device, x.DType);
        var dBeta = Tensor.Empty(beta.ShapeArray, x.Device, x.DType);
        x.Backend.LayerNormBackward(x.Data, g.Data, gamma.Data, mean.Data, invStd.Data, dx.Data, dGamma.Data, dBeta.Data, rows, cols);
        return [dx, dGamma, dBeta];
    }
}
