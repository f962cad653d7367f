using NativeContrast.Nn;
using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Nn;

public class BatchNormTests
{
    [Test]
    public void RunningStatistics_MatchHandComputedValues()
    {
        using var scope = TensorScope.Begin();
        using var bn = new BatchNorm2d(2, momentum: 0.1);
        // Channel 0 holds 1, 2, 3, 4 (over 2 images × 2 pixels), channel 1 holds 10, 10, 10, 14.
        var x = Tensor.FromArray(new float[] { 1, 2, 10, 10, 3, 4, 10, 14 }, 2, 2, 1, 2);
        var y = bn.Forward(x);
        // Batch means 2.5 and 11; unbiased variances 5/3 and 12/3 = 4 (biased 1.25 and 3).
        Assert.That(bn.RunningMean.ToFloatArray(), Is.EqualTo(new[] { 0.25f, 1.1f }).Within(1e-6));
        Assert.That(bn.RunningVar.ToFloatArray(), Is.EqualTo(new[] { 0.9f + 0.1f * 5f / 3f, 0.9f + 0.4f }).Within(1e-6));
        var expected0 = new[] { 1f, 2f, 3f, 4f }.Select(v => (v - 2.5f) / MathF.Sqrt(1.25f + 1e-5f)).ToArray();
        var output = y.ToFloatArray();
        Assert.That(new[] { output[0], output[1], output[4], output[5] }, Is.EqualTo(expected0).Within(1e-5));
        // A second step moves the estimates again: running = 0.9·running + 0.1·batch.
        bn.Forward(x);
        Assert.That(bn.RunningMean.ToFloatArray()[0], Is.EqualTo(0.9f * 0.25f + 0.25f).Within(1e-6));
    }

    [Test]
    public void EvalMode_UsesRunningStatistics_AndLeavesThemAlone()
    {
        using var scope = TensorScope.Begin();
        using var bn = new BatchNorm1d(2);
        bn.RunningMean.CopyFrom(Tensor.FromArray(new float[] { 1, -1 }, 2));
        bn.RunningVar.CopyFrom(Tensor.FromArray(new float[] { 4, 0.25f }, 2));
        bn.Eval();
        var y = bn.Forward(Tensor.FromArray(new float[] { 3, 0, 5, -1 }, 2, 2)).ToFloatArray();
        Assert.That(y, Is.EqualTo(new[] { 2 / MathF.Sqrt(4 + 1e-5f), 1 / MathF.Sqrt(0.25f + 1e-5f), 4 / MathF.Sqrt(4 + 1e-5f), 0f }).Within(1e-5));
        Assert.That(bn.RunningMean.ToFloatArray(), Is.EqualTo(new[] { 1f, -1f }));
    }

    [Test]
    public void TrainingOnOneValuePerChannel_SaysWhy()
    {
        using var scope = TensorScope.Begin();
        using var bn = new BatchNorm1d(3);
        var e = Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Zeros([1, 3])));
        Assert.That(e!.Message, Does.Contain("more than one value per channel"));
    }

    [TestCase("cpu", true)]
    [TestCase("cpu", false)]
    [TestCase("ilgpu-cpu", true)]
    public void SequentialBatchNormThenRelu_IsFused_AndMatchesTheTwoOpsApart(string device, bool training)
    {
        using var scope = TensorScope.Begin();
        var dev = Devices.Get(device);
        var x = Tensor.RandomNormal([4, 3, 5, 5], 1, dev);
        var upstream = Tensor.RandomNormal([4, 3, 5, 5], 2, dev);
        (float[] Y, float[] Dx, float[] DGamma, float[] DBeta, string Op) Run(bool fused)
        {
            using var bn = new BatchNorm2d(3, device: dev);
            bn.Weight.CopyFrom(Tensor.FromArray(new float[] { 1.5f, -0.5f, 0.8f }, 3).To(dev));
            bn.Bias.CopyFrom(Tensor.FromArray(new float[] { 0.2f, 0.1f, -0.3f }, 3).To(dev));
            if (!training) bn.Eval();
            var input = x.Clone();
            input.RequiresGrad = true;
            // The Sequential is not disposed here: it would dispose bn's parameters before the backward (bn's using does).
            var y = fused ? new Sequential(bn, new Relu()).Forward(input) : bn.Forward(input).Relu();
            (y * upstream).Sum().Backward();
            return (y.ToFloatArray(), input.Grad!.ToFloatArray(), bn.Weight.Grad!.ToFloatArray(), bn.Bias.Grad!.ToFloatArray(), y.GradFn!.Name);
        }
        var fusedRun = Run(fused: true);
        var apart = Run(fused: false);
        Assert.That(fusedRun.Op, Is.EqualTo("BatchNorm"), "Sequential should run BatchNorm → Relu as the fused op");
        Assert.That(apart.Op, Is.EqualTo("Relu"));
        Assert.That(fusedRun.Y.Count(v => v == 0f), Is.GreaterThan(10), "the ReLU must clip some values for the check to mean anything");
        Assert.That(fusedRun.Y, Is.EqualTo(apart.Y).Within(1e-6));
        Assert.That(fusedRun.Dx, Is.EqualTo(apart.Dx).Within(1e-5));
        Assert.That(fusedRun.DGamma, Is.EqualTo(apart.DGamma).Within(1e-4));
        Assert.That(fusedRun.DBeta, Is.EqualTo(apart.DBeta).Within(1e-4));
    }
}
