using NativeContrast.Losses;
using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Losses;

/// <summary>
/// The fused softmax-contrastive losses against <see cref="ComposedLosses"/> in float64 on sizes that
/// cross the cpu tiles' edges (row blocks of 192, column tiles of 256): loss, input gradients and the
/// learned temperature's gradient.
/// </summary>
public class FusedLossTests
{
    private static double[] Values(int rows, int cols, int seed) =>
        Tensor.RandomNormal([rows, cols], seed, Device.Cpu, DType.Float64).ToDoubleArray();

    private static void AssertSame((double Loss, double[][] Grads) fused, (double Loss, double[][] Grads) composed)
    {
        Assert.That(fused.Loss, Is.EqualTo(composed.Loss).Within(1e-9 * Math.Max(1, Math.Abs(composed.Loss))), "loss");
        for (int i = 0; i < composed.Grads.Length; i++)
            Close.Assert(fused.Grads[i], composed.Grads[i], 1e-10, 1e-7, $"gradient of input {i}");
    }

    [TestCase(10, 10, 6, 0.2, true)]
    [TestCase(300, 520, 33, 0.1, true)]
    [TestCase(200, 257, 16, 0.05, false)]
    public void InfoNce_EqualsComposed(int n, int m, int d, double tau, bool normalize)
    {
        var q = (Values(n, d, 1), new[] { n, d });
        var k = (Values(m, d, 2), new[] { m, d });
        var positives = Enumerable.Range(0, n).Select(i => (i * 7) % m).ToArray();
        var fused = LeafRun.Run(x => new InfoNceLoss(tau, normalize).Forward(x[0], x[1], Tensor.FromArray(positives, [n], Device.Cpu)), q, k);
        var composed = LeafRun.Run(x => ComposedLosses.InfoNce(x[0], x[1], positives, tau, normalize), q, k);
        AssertSame(fused, composed);
    }

    [Test]
    public void InfoNce_QueueGetsNoGradient_KeysAndQueriesDo()
    {
        using var scope = TensorScope.Begin();
        var q = Tensor.RandomNormal([40, 8], 1, Device.Cpu, DType.Float64);
        var k = Tensor.RandomNormal([40, 8], 2, Device.Cpu, DType.Float64);
        var queue = Tensor.RandomNormal([300, 8], 3, Device.Cpu, DType.Float64);
        q.RequiresGrad = k.RequiresGrad = queue.RequiresGrad = true;
        var loss = new InfoNceLoss(0.07).Forward(q, k, queue, null);
        loss.Backward();
        Assert.That(queue.Grad, Is.Null);
        using var noGrad = GradMode.NoGrad();
        var expected = ComposedLosses.InfoNce(q, Tensor.Concat([k, queue]), Enumerable.Range(0, 40).ToArray(), 0.07, true);
        Assert.That(loss.Item(), Is.EqualTo(expected.Item()).Within(1e-9));
        Assert.That(k.Grad!.ToDoubleArray().Any(v => v != 0), Is.True);
    }

    [TestCase(8, 5, 0.5, true)]
    [TestCase(300, 24, 0.07, true)]
    [TestCase(260, 9, 0.3, false)]
    public void Clip_EqualsComposed(int n, int d, double tau, bool normalize)
    {
        var a = (Values(n, d, 3), new[] { n, d });
        var b = (Values(n, d, 4), new[] { n, d });
        AssertSame(LeafRun.Run(x => new ClipLoss(tau, normalize).Forward(x[0], x[1]), a, b), LeafRun.Run(x => ComposedLosses.Clip(x[0], x[1], tau, normalize), a, b));
    }

    [TestCase(12, 6, 3, 0.2, true)]
    [TestCase(300, 16, 10, 0.1, true)]
    [TestCase(450, 20, 7, 0.07, false)]
    [TestCase(270, 8, 200, 0.5, true)]
    public void SupCon_EqualsComposed(int n, int d, int classes, double tau, bool normalize)
    {
        var rng = new Random(n + classes);
        var labels = Enumerable.Range(0, n).Select(_ => rng.Next(classes)).ToArray();
        var z = (Values(n, d, 5), new[] { n, d });
        var fused = LeafRun.Run(x => new SupConLoss(tau, normalize).Forward(x[0], Tensor.FromArray(labels, [n], Device.Cpu)), z);
        var composed = LeafRun.Run(x => ComposedLosses.SupCon(x[0], labels, tau, normalize), z);
        AssertSame(fused, composed);
    }

    [Test]
    public void SupCon_WithPairLabels_EqualsNtXent()
    {
        // When each label marks exactly the two views of one image, SupCon's positives are NT-Xent's.
        int n = 64;
        var labels = Enumerable.Range(0, n).Select(i => i % (n / 2)).ToArray();
        var z = (Values(n, 12, 6), new[] { n, 12 });
        AssertSame(LeafRun.Run(x => new SupConLoss(0.2).Forward(x[0], Tensor.FromArray(labels, [n], Device.Cpu)), z), LeafRun.Run(x => new NtXentLoss(0.2).Forward(x[0]), z));
    }

    [TestCase("ntxent")]
    [TestCase("supcon")]
    [TestCase("infonce")]
    [TestCase("clip")]
    public void LearnedTemperature_GradientEqualsComposed(string kind)
    {
        int n = 260, d = 10;
        var labels = Enumerable.Range(0, n).Select(i => i % 37).ToArray();
        var half = Enumerable.Range(0, n).Select(i => (i + n / 2) % n).ToArray();
        var a = (Values(n, d, 7), new[] { n, d });
        var b = (Values(n, d, 8), new[] { n, d });
        var theta = (new[] { Math.Log(1 / 0.15) }, new[] { 1 });
        Func<Tensor[], Tensor> fused = kind switch
        {
            "ntxent" => x => new NtXentLoss(LearnableTemperature.FromLogInverseTemperature(x[2])).Forward(x[0]),
            "supcon" => x => new SupConLoss(LearnableTemperature.FromLogInverseTemperature(x[2])).Forward(x[0], Tensor.FromArray(labels, [n], Device.Cpu)),
            "infonce" => x => new InfoNceLoss(LearnableTemperature.FromLogInverseTemperature(x[2])).Forward(x[0], x[1]),
            _ => x => new ClipLoss(LearnableTemperature.FromLogInverseTemperature(x[2])).Forward(x[0], x[1]),
        };
        Func<Tensor[], Tensor> composed = kind switch
        {
            "ntxent" => x => Tensor.CrossEntropy(ComposedLosses.Logits(x[0], x[0], 0, true, x[2]) + ComposedLosses.DiagonalMask(n, Device.Cpu, DType.Float64),
                Tensor.FromArray(half, [n], Device.Cpu)) + 0 * x[1].Sum(),
            "supcon" => x => ComposedLosses.SupCon(x[0], labels, 0, true, x[2]) + 0 * x[1].Sum(),
            "infonce" => x => ComposedLosses.InfoNce(x[0], x[1], Enumerable.Range(0, n).ToArray(), 0, true, x[2]),
            _ => x => ComposedLosses.Clip(x[0], x[1], 0, true, x[2]),
        };
        // The one-set losses ignore b; give it a zero gradient on both sides.
        Func<Tensor[], Tensor> fusedAll = kind is "ntxent" or "supcon" ? x => fused(x) + 0 * x[1].Sum() : fused;
        AssertSame(LeafRun.Run(fusedAll, a, b, theta), LeafRun.Run(composed, a, b, theta));
    }

    [Test]
    public void LearnedTemperature_AtTheClamp_HasZeroGradientAndScale100()
    {
        using var scope = TensorScope.Begin();
        using var temperature = new LearnableTemperature(0.01, Device.Cpu, DType.Float64);
        var z = Tensor.RandomNormal([16, 4], 1, Device.Cpu, DType.Float64);
        var loss = new NtXentLoss(temperature).Forward(z);
        loss.Backward();
        Assert.That(temperature.InverseTemperature, Is.EqualTo(100).Within(1e-9));
        Assert.That(temperature.LogInverseTemperature.Grad!.Item(), Is.EqualTo(0));
        using var noGrad = GradMode.NoGrad();
        Assert.That(loss.Item(), Is.EqualTo(new NtXentLoss(0.01).Forward(z).Item()).Within(1e-9));
    }

    [Test]
    public void LearnedTemperature_TrainsTowardsLowerLoss()
    {
        // Well-separated pairs want a sharper softmax: SGD on θ alone must raise 1/τ and lower the loss.
        using var temperature = new LearnableTemperature(1.0, Device.Cpu, DType.Float64);
        var loss = new NtXentLoss(temperature);
        var first = double.NaN;
        double last = double.NaN;
        for (int step = 0; step < 20; step++)
        {
            using var scope = TensorScope.Begin();
            var z = Tensor.RandomNormal([8, 16], 3, Device.Cpu, DType.Float64);
            var pairs = Tensor.Concat([z.Rows(0, 4), z.Rows(0, 4) + Tensor.RandomNormal([4, 16], 4, Device.Cpu, DType.Float64, std: 0.05)]);
            var l = loss.Forward(pairs);
            l.Backward();
            if (step == 0) first = l.Item();
            last = l.Item();
            using var noGrad = GradMode.NoGrad();
            temperature.LogInverseTemperature.CopyFrom(temperature.LogInverseTemperature - temperature.LogInverseTemperature.Grad! * 0.5);
            temperature.LogInverseTemperature.ZeroGrad();
        }
        Assert.That(last, Is.LessThan(first * 0.8));
        Assert.That(temperature.Temperature, Is.LessThan(0.5));
    }
}
