using NativeContrast.Nn;
using NativeContrast.Optim;

namespace NativeContrast.Tests.Optim;

/// <summary>Each optimizer's steps against the update rule computed by hand (float64).</summary>
public class OptimizerTests
{
    private static Tensor Parameter(params double[] values)
    {
        var p = Tensor.Persistent(values, [values.Length], Device.Cpu, DType.Float64);
        p.RequiresGrad = true;
        return p;
    }

    /// <summary>Sets p.Grad to <paramref name="grad"/> by back-propagating Σ p·grad.</summary>
    private static void SetGradient(Tensor p, params double[] grad)
    {
        p.ZeroGrad();
        using var scope = TensorScope.Begin();
        (p * Tensor.FromArray(grad, [grad.Length], Device.Cpu)).Sum().Backward();
    }

    private static double[] Values(Tensor t) => t.ToDoubleArray();

    [TestCase(false)]
    [TestCase(true)]
    public void Sgd_MomentumWeightDecayAndNesterov_MatchTheRule(bool nesterov)
    {
        using var p = Parameter(1, -2);
        using var sgd = new Sgd([("p", p)], learningRate: 0.1, momentum: 0.9, nesterov: nesterov, weightDecay: 0.01);
        double[] x = [1, -2], buffer = [0, 0];
        double[][] grads = [[0.5, 0.5], [1, -1], [-0.3, 0.2]];
        for (int step = 0; step < grads.Length; step++)
        {
            SetGradient(p, grads[step]);
            sgd.Step();
            for (int i = 0; i < 2; i++)
            {
                double d = grads[step][i] + 0.01 * x[i];
                buffer[i] = step == 0 ? d : 0.9 * buffer[i] + d;
                x[i] -= 0.1 * (nesterov ? d + 0.9 * buffer[i] : buffer[i]);
            }
            Assert.That(Values(p), Is.EqualTo(x).Within(1e-12), $"step {step}");
        }
    }

    [Test]
    public void Lars_AdaptsWeights_AndExcludesBiases()
    {
        using var w = Tensor.Persistent([1, 2, -2, 0.5], [2, 2], Device.Cpu, DType.Float64);
        w.RequiresGrad = true;
        using var b = Parameter(0.3, -0.1);
        using var lars = new Lars([("w", w), ("b", b)], learningRate: 0.5, momentum: 0.9, weightDecay: 0.1, trustCoefficient: 0.001);
        Assert.That(lars.IsExcluded("w", w), Is.False);
        Assert.That(lars.IsExcluded("b", b), Is.True);
        double[] wx = [1, 2, -2, 0.5], bx = [0.3, -0.1], wv = new double[4], bv = new double[2];
        double[][] wg = [[0.1, -0.2, 0.3, 0.4], [0.2, 0.2, -0.1, 0]];
        double[][] bg = [[1, 2], [-1, 0.5]];
        for (int step = 0; step < 2; step++)
        {
            using (var scope = TensorScope.Begin())
            {
                w.ZeroGrad();
                b.ZeroGrad();
                ((w * Tensor.FromArray(wg[step], [2, 2], Device.Cpu)).Sum() + (b * Tensor.FromArray(bg[step], [2], Device.Cpu)).Sum()).Backward();
            }
            lars.Step();
            var d = wx.Select((v, i) => wg[step][i] + 0.1 * v).ToArray();
            double trust = 0.001 * Math.Sqrt(wx.Sum(v => v * v)) / Math.Sqrt(d.Sum(v => v * v));
            for (int i = 0; i < 4; i++)
            {
                wv[i] = 0.9 * wv[i] + 0.5 * trust * d[i];
                wx[i] -= wv[i];
            }
            for (int i = 0; i < 2; i++)
            {
                // Excluded: no weight decay, no trust ratio.
                bv[i] = 0.9 * bv[i] + 0.5 * bg[step][i];
                bx[i] -= bv[i];
            }
            Assert.That(Values(w), Is.EqualTo(wx).Within(1e-12), $"weights, step {step}");
            Assert.That(Values(b), Is.EqualTo(bx).Within(1e-12), $"bias, step {step}");
        }
    }

    /// <summary>
    /// A LARS step computes its trust ratios where the parameters are: no value is read back to the host (on a GPU each read
    /// waits for the queued work; the step used to read two norms per adapted parameter). And the step is the same on an
    /// ILGPU device as on cpu.
    /// </summary>
    [TestCase("cpu")]
    [TestCase("ilgpu-cpu")]
    public void Lars_StepReadsNothingBackToTheHost_AndMatchesCpu(string deviceName)
    {
        var device = deviceName == "cpu" ? Device.Cpu : Support.Devices.Get(deviceName);
        float[] start = [0.5f, -1f, 2f, 0.25f, 0f, 3f], zeros = new float[6];
        float[] gradient = [0.1f, 0.2f, -0.3f, 0.05f, 0.4f, -0.1f];
        float[] Run(Device on, out long reads)
        {
            using var w = Tensor.Persistent(start.Select(v => (double)v).ToArray(), [2, 3], on, DType.Float32);
            using var zero = Tensor.Persistent(zeros.Select(v => (double)v).ToArray(), [2, 3], on, DType.Float32);
            w.RequiresGrad = zero.RequiresGrad = true;
            using var lars = new Lars([("w", w), ("zero", zero)], learningRate: 0.3, weightDecay: 0.01);
            long before = on.HostReads;
            for (int step = 0; step < 3; step++)
            {
                using (var scope = TensorScope.Begin())
                {
                    w.ZeroGrad();
                    zero.ZeroGrad();
                    var g = Tensor.FromArray(gradient, [2, 3], on);
                    ((w * g).Sum() + (zero * g).Sum()).Backward();
                }
                lars.Step();
            }
            reads = on.HostReads - before;
            return w.ToFloatArray().Concat(zero.ToFloatArray()).ToArray();
        }
        var expected = Run(Device.Cpu, out _);
        var actual = Run(device, out long hostReads);
        Assert.That(hostReads, Is.Zero, "values read back to the host during three LARS steps");
        Assert.That(actual, Is.EqualTo(expected).Within(1e-6), "the same steps as on cpu (a zero weight matrix takes trust ratio 1)");
        Assert.That(actual.Skip(6), Has.Some.Not.EqualTo(0f), "the all-zero parameter moved: its trust ratio is 1, not 0");
    }

    [Test]
    public void Lars_ExcludesBatchNormParametersOfAModelByDefault()
    {
        using var bn = new BatchNorm2d(4);
        using var conv = new Conv2d(1, 4, 3);
        using var lars = new Lars(conv.NamedParameters().Concat(bn.NamedParameters()), 0.1);
        var excluded = lars.Parameters.Where(p => lars.IsExcluded(p.Name, p.Parameter)).Select(p => p.Name).ToList();
        Assert.That(excluded, Is.EquivalentTo(new[] { "bias", "weight", "bias" }));
        Assert.That(lars.IsExcluded("weight", conv.Weight), Is.False);
    }

    [Test]
    public void AdamW_MatchesTheRule()
    {
        using var p = Parameter(0.5, -1.5);
        using var adam = new AdamW([("p", p)], learningRate: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1);
        double[] x = [0.5, -1.5], m = new double[2], v = new double[2];
        double[][] grads = [[0.2, -0.4], [0.1, 0.3], [-0.5, 0.0]];
        for (int step = 1; step <= grads.Length; step++)
        {
            SetGradient(p, grads[step - 1]);
            adam.Step();
            for (int i = 0; i < 2; i++)
            {
                double g = grads[step - 1][i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.99 * v[i] + 0.01 * g * g;
                double mHat = m[i] / (1 - Math.Pow(0.9, step)), vHat = v[i] / (1 - Math.Pow(0.99, step));
                x[i] = x[i] * (1 - 0.01 * 0.1) - 0.01 * mHat / (Math.Sqrt(vHat) + 1e-8);
            }
            Assert.That(Values(p), Is.EqualTo(x).Within(1e-12), $"step {step}");
        }
        Assert.That(adam.NamedState().Keys, Is.EquivalentTo(new[] { "p.exp_avg", "p.exp_avg_sq" }));
    }

    [Test]
    public void WarmupCosine_RisesLinearlyThenDecaysToTheMinimum()
    {
        var schedule = new WarmupCosineSchedule(1.0, warmupSteps: 4, totalSteps: 14, minRate: 0.1);
        Assert.That(schedule.At(0), Is.EqualTo(0.25).Within(1e-12));
        Assert.That(schedule.At(3), Is.EqualTo(1.0).Within(1e-12));
        Assert.That(schedule.At(4), Is.EqualTo(1.0).Within(1e-12));
        Assert.That(schedule.At(9), Is.EqualTo(0.1 + 0.45 * (1 + Math.Cos(Math.PI * 0.5))).Within(1e-12));
        Assert.That(schedule.At(14), Is.EqualTo(0.1).Within(1e-12));
    }

    [Test]
    public void Ema_MovesTargetTowardsSource_AndCopiesBuffers()
    {
        using var source = new BatchNorm1d(2);
        using var target = new BatchNorm1d(2);
        using var noGrad = GradMode.NoGrad();
        source.Weight.CopyFrom(Tensor.FromArray(new float[] { 3, 5 }, 2));
        source.RunningMean.CopyFrom(Tensor.FromArray(new float[] { 7, 8 }, 2));
        var ema = new ExponentialMovingAverage(target, source, momentum: 0.75);
        ema.Update();
        Assert.That(target.Weight.ToFloatArray(), Is.EqualTo(new[] { 0.75f + 0.25f * 3, 0.75f + 0.25f * 5 }).Within(1e-6));
        Assert.That(target.RunningMean.ToFloatArray(), Is.EqualTo(new[] { 7f, 8f }));
        ema.CopySource();
        Assert.That(target.Weight.ToFloatArray(), Is.EqualTo(new[] { 3f, 5f }));
    }
}
