using NativeContrast.Autograd;

namespace NativeContrast.Ops;

/// <summary>
/// Batch normalization over x [N, C] or [N, C, H, W], per channel c over its M = N·H·W values:
/// y = γ·x̂ + β, x̂ = (x − μ)·r, r = 1/√(σ² + ε). Training uses the batch's μ and (biased) σ² and moves
/// the running estimates: running ← (1 − momentum)·running + momentum·batch (unbiased variance, as
/// PyTorch). Evaluation uses the running estimates as constants. With <c>relu</c>, the op is batch norm
/// followed by ReLU, y = max(γ·x̂ + β, 0), in one pass forward and backward (no intermediate tensor).
/// </summary>
internal sealed class BatchNormOp : AutogradNode
{
    private readonly Tensor mean;
    private readonly Tensor invStd;
    private readonly bool training;

    private BatchNormOp(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor invStd, bool training, Tensor? reluOutput) : base(x, gamma, beta)
    {
        this.mean = mean;
        this.invStd = invStd;
        this.training = training;
        ReluOutput = reluOutput;
    }

    /// <summary>The fused op's output, kept for backward (not owned); null without ReLU.</summary>
    private Tensor? ReluOutput { get; }

    public static Tensor Forward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, bool training, double momentum, double eps, bool relu = false)
    {
        Tensor.CheckFloating("BatchNorm", x);
        Tensor.CheckCompatible("BatchNorm", x, gamma, beta, runningMean, runningVar);
        if (x.Rank is not (2 or 4))
            throw new ArgumentException($"BatchNorm needs input [N, C] or [N, C, H, W]; got {Shapes.Format(x.ShapeArray)}.", nameof(x));
        var (n, channels, spatial) = Layout(x);
        foreach (var (t, name) in new[] { (gamma, "weight"), (beta, "bias"), (runningMean, "running mean"), (runningVar, "running variance") })
            if (t.Rank != 1 || t.ShapeArray[0] != channels)
                throw new ArgumentException($"BatchNorm over {channels} channels: its {name} must have shape [{channels}]; got {Shapes.Format(t.ShapeArray)}.");
        if (training && n * spatial < 2)
            throw new ArgumentException($"BatchNorm in training mode needs more than one value per channel; got input {Shapes.Format(x.ShapeArray)}.", nameof(x));
        Tensor mean, invStd;
        if (training)
        {
            mean = Tensor.Empty([channels], x.Device, x.DType);
            invStd = Tensor.Empty([channels], x.Device, x.DType);
            using var unbiased = Tensor.Empty([channels], x.Device, x.DType);
            x.Backend.BatchNormStats(x.Data, mean.Data, invStd.Data, unbiased.Data, n, channels, spatial, (float)eps);
            using var noGrad = GradMode.NoGrad();
            using var scope = TensorScope.Begin();
            runningMean.CopyFrom(runningMean * (1 - momentum) + mean * momentum);
            runningVar.CopyFrom(runningVar * (1 - momentum) + unbiased * momentum);
        }
        else
        {
            using var noGrad = GradMode.NoGrad();
            mean = runningMean.Clone();
            using var scope = TensorScope.Begin();
            invStd = scope.Keep((runningVar + eps).Pow(-0.5));
        }
        var y = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
        if (y.Count > 0) x.Backend.BatchNormApply(x.Data, mean.Data, invStd.Data, gamma.Data, beta.Data, y.Data, n, channels, spatial, relu);
        return Record(y, () => new BatchNormOp(x, gamma, beta, mean, invStd, training, relu ? y : null), x, gamma, beta);
    }

    // dβ = Σ g, dγ = Σ g·x̂ (per channel). Training, where μ and r depend on x:
    //   dx = γ·r/M·(M·g − Σg − x̂·Σ(g·x̂)); evaluation: dx = γ·r·g.
    // With ReLU, g is first replaced by g·[γ·x̂ + β > 0] (ReLU's derivative, 0 at 0), inside the same backend passes.
    public override Tensor?[] Backward(Tensor g)
    {
        var (dx, dGamma, dBeta) = BackendBackward(Inputs[0], g, Inputs[1], mean, invStd, training, ReluOutput is null ? null : (Inputs[2], ReluOutput));
        return [dx, dGamma, dBeta];
    }

    /// <summary>(images, channels, values per channel per image) of x [N, C] or [N, C, H, W].</summary>
    internal static (int N, int Channels, int Spatial) Layout(Tensor x) =>
        (x.ShapeArray[0], x.ShapeArray[1], x.Rank == 4 ? x.ShapeArray[2] * x.ShapeArray[3] : 1);

    /// <summary>
    /// The backend's backward with the given statistics: dx (training or evaluation form), dγ = Σg·x̂, dβ = Σg; with
    /// <paramref name="relu"/> (β and the fused output), the backward of batch norm followed by ReLU.
    /// </summary>
    internal static (Tensor Dx, Tensor DGamma, Tensor DBeta) BackendBackward(Tensor x, Tensor g, Tensor gamma, Tensor mean, Tensor invStd, bool training,
        (Tensor Beta, Tensor Output)? relu = null)
    {
        var (n, channels, spatial) = Layout(x);
        var dx = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
        var dGamma = Tensor.Empty(gamma.ShapeArray, x.Device, x.DType);
        var dBeta = Tensor.Empty(gamma.ShapeArray, x.Device, x.DType);
        if (relu is { } fused)
            x.Backend.BatchNormReluBackward(x.Data, fused.Output.Data, g.Data, mean.Data, invStd.Data, gamma.Data, fused.Beta.Data,
                dx.Data, dGamma.Data, dBeta.Data, n, channels, spatial, training);
        else x.Backend.BatchNormBackward(x.Data, g.Data, mean.Data, invStd.Data, gamma.Data, dx.Data, dGamma.Data, dBeta.Data, n, channels, spatial, training);
        return (dx, dGamma, dBeta);
    }
}
