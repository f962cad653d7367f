using NativeContrast.Autograd;
using NativeContrast.Ops;

namespace NativeContrast.Distributed;

/// <summary>
/// Batch normalization in training mode with statistics over the batches of all ranks: each rank's
/// per-channel mean and biased variance over its m_r values are gathered and combined,
/// μ = Σ m_r·μ_r / M and σ² = Σ m_r·(σ_r² + (μ_r − μ)²) / M with M = Σ m_r, so every rank normalizes
/// with the statistics single-process training would compute on the whole batch.
/// </summary>
internal sealed class SyncBatchNormOp : AutogradNode
{
    private readonly Tensor mean;
    private readonly Tensor invStd;
    private readonly double[] meanValues;
    private readonly double[] invStdValues;
    private readonly double globalCount;
    private readonly Communicator communicator;

    private SyncBatchNormOp(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor invStd, double[] meanValues, double[] invStdValues, double globalCount, Communicator communicator)
        : base(x, gamma, beta)
    {
        this.mean = mean;
        this.invStd = invStd;
        this.meanValues = meanValues;
        this.invStdValues = invStdValues;
        this.globalCount = globalCount;
        this.communicator = communicator;
    }

    public static Tensor Forward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, double momentum, double eps, Communicator communicator)
    {
        var (n, channels, spatial) = BatchNormOp.Layout(x);
        double m = (double)n * spatial;
        var local = new double[2 * channels + 1];
        using (var localMean = Tensor.Empty([channels], x.Device, x.DType))
        using (var localInvStd = Tensor.Empty([channels], x.Device, x.DType))
        using (var localUnbiased = Tensor.Empty([channels], x.Device, x.DType))
        {
            x.Backend.BatchNormStats(x.Data, localMean.Data, localInvStd.Data, localUnbiased.Data, n, channels, spatial, (float)eps);
            var mu = localMean.ToDoubleArray();
            var unbiased = localUnbiased.ToDoubleArray();
            for (int c = 0; c < channels; c++)
            {
                local[c] = mu[c];
                local[channels + c] = m > 1 ? unbiased[c] * (m - 1) / m : 0;
            }
            local[2 * channels] = m;
        }
        var all = new double[local.Length * communicator.Size];
        communicator.AllGather<double>(local, all);
        double total = 0;
        var meanValues = new double[channels];
        for (int r = 0; r < communicator.Size; r++)
        {
            double mr = all[r * local.Length + 2 * channels];
            total += mr;
            for (int c = 0; c < channels; c++) meanValues[c] += mr * all[r * local.Length + c];
        }
        for (int c = 0; c < channels; c++) meanValues[c] /= total;
        var variance = new double[channels];
        for (int r = 0; r < communicator.Size; r++)
        {
            int o = r * local.Length;
            double mr = all[o + 2 * channels];
            for (int c = 0; c < channels; c++)
            {
                double d = all[o + c] - meanValues[c];
                variance[c] += mr * (all[o + channels + c] + d * d);
            }
        }
        var invStdValues = new double[channels];
        var unbiasedGlobal = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            variance[c] /= total;
            invStdValues[c] = 1 / Math.Sqrt(variance[c] + eps);
            unbiasedGlobal[c] = variance[c] * total / (total - 1);
        }
        var mean = PerChannel(meanValues, x);
        var invStd = PerChannel(invStdValues, x);
        using (GradMode.NoGrad())
        using (var scope = TensorScope.Begin())
        {
            runningMean.CopyFrom(runningMean * (1 - momentum) + mean * momentum);
            runningVar.CopyFrom(runningVar * (1 - momentum) + PerChannel(unbiasedGlobal, x) * momentum);
        }
        var y = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
        if (y.Count > 0) x.Backend.BatchNormApply(x.Data, mean.Data, invStd.Data, gamma.Data, beta.Data, y.Data, n, channels, spatial, relu: false);
        return Record(y, () => new SyncBatchNormOp(x, gamma, beta, mean, invStd, meanValues, invStdValues, total, communicator), x, gamma, beta);
    }

    private static Tensor PerChannel(double[] values, Tensor like) =>
        like.DType == DType.Float64 ? Tensor.FromArray(values, [values.Length], like.Device) : Tensor.FromArray(Array.ConvertAll(values, v => (float)v), [values.Length], like.Device);

    // With x̂ = (x − μ)·r over the global batch of M values, dβ = Σg and dγ = Σg·x̂ (this rank's share;
    // the parameter gradients are reduced with all the others), and
    //   dx = γr·g − γr/M·(Σ_all g + x̂·Σ_all g·x̂),
    // where the sums run over every rank. The first term is the evaluation-mode backward; the rest is
    // an affine map of x per channel, α·x + β with α = −γr²·S₂/M and β = −γr·S₁/M + γr²·μ·S₂/M.
    public override Tensor?[] Backward(Tensor g)
    {
        var (x, gamma) = (Inputs[0], Inputs[1]);
        var (n, channels, spatial) = BatchNormOp.Layout(x);
        var (dx, dGamma, dBeta) = BatchNormOp.BackendBackward(x, g, gamma, mean, invStd, training: false);
        var sums = new double[2 * channels];
        dBeta.ToDoubleArray().CopyTo(sums, 0);
        dGamma.ToDoubleArray().CopyTo(sums, channels);
        communicator.AllReduceSum<double>(sums);
        var gammas = gamma.ToDoubleArray();
        var slope = new double[channels];
        var shift = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            double gr = gammas[c] * invStdValues[c];
            slope[c] = -gr * invStdValues[c] * sums[channels + c] / globalCount;
            shift[c] = -gr * sums[c] / globalCount - slope[c] * meanValues[c];
        }
        using var scope = TensorScope.Begin();
        var zeros = PerChannel(new double[channels], x);
        var ones = PerChannel(Enumerable.Repeat(1.0, channels).ToArray(), x);
        var correction = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
        x.Backend.BatchNormApply(x.Data, zeros.Data, ones.Data, PerChannel(slope, x).Data, PerChannel(shift, x).Data, correction.Data, n, channels, spatial, relu: false);
        dx.AddInPlace(correction);
        return [dx, dGamma, dBeta];
    }
}
