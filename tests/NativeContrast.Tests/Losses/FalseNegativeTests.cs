using NativeContrast.Losses;
using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Losses;

/// <summary>
/// NT-Xent with labels whose same-class negatives are dropped or attracted (<see cref="FalseNegatives"/>): fused against
/// the composed reference written from the definitions, in float64 (loss, gradients, the learned temperature's gradient)
/// on sizes across the cpu tiles, by finite differences, and the input checks. Parity with ILGPU devices is in
/// <see cref="LossCases"/>; PyTorch fixtures in <see cref="LossFixtureTests"/>.
/// </summary>
public class FalseNegativeTests
{
    /// <summary>Labels per row for two views of n/2 images (row i and i ± n/2 share the image's label); every fifth image unknown (−1).</summary>
    private static int[] PairLabels(int n, int classes, int seed)
    {
        var rng = new Random(seed);
        var image = Enumerable.Range(0, n / 2).Select(i => i % 5 == 4 ? -1 : rng.Next(classes)).ToArray();
        return Enumerable.Range(0, n).Select(i => image[i % (n / 2)]).ToArray();
    }

    [TestCase(FalseNegatives.Drop, 12, 5, 3, 0.2, true)]
    [TestCase(FalseNegatives.Attract, 12, 5, 3, 0.2, true)]
    [TestCase(FalseNegatives.Drop, 400, 9, 10, 0.07, true)]
    [TestCase(FalseNegatives.Attract, 400, 9, 10, 0.07, true)]
    [TestCase(FalseNegatives.Drop, 260, 16, 4, 0.5, false)]
    [TestCase(FalseNegatives.Attract, 260, 16, 4, 0.5, false)]
    public void Fused_EqualsTheDefinition(FalseNegatives handling, int n, int d, int classes, double tau, bool normalize)
    {
        var labels = PairLabels(n, classes, n);
        var positives = Enumerable.Range(0, n).Select(i => (i + n / 2) % n).ToArray();
        var z = (Tensor.RandomNormal([n, d], n + d, Device.Cpu, DType.Float64).ToDoubleArray(), new[] { n, d });
        var fused = LeafRun.Run(x => new NtXentLoss(tau, normalize).Forward(x[0], null, Tensor.FromArray(labels, [n], Device.Cpu), handling), z);
        var reference = LeafRun.Run(x => ComposedLosses.NtXentFalseNegatives(x[0], positives, labels, handling, tau, normalize), z);
        Assert.That(fused.Loss, Is.EqualTo(reference.Loss).Within(1e-9 * Math.Max(1, Math.Abs(reference.Loss))), "loss");
        Close.Assert(fused.Grads[0], reference.Grads[0], 1e-10, 1e-7, "gradient");
    }

    [TestCase(FalseNegatives.Drop)]
    [TestCase(FalseNegatives.Attract)]
    public void LearnedTemperature_GetsTheDefinitionsGradient(FalseNegatives handling)
    {
        var labels = PairLabels(20, 3, 7);
        AssertLearnedTemperatureMatchesTheDefinition(
            (z, tau) => new NtXentLoss(tau).Forward(z, null, Tensor.FromArray(labels, [20], Device.Cpu), handling),
            (z, positives, theta) => ComposedLosses.NtXentFalseNegatives(z, positives, labels, handling, 0.3, true, theta));
    }

    /// <summary>20 rows of 6 at θ = ln(1/0.3): the fused loss against its definition, loss and both gradients (rows, θ).</summary>
    private static void AssertLearnedTemperatureMatchesTheDefinition(Func<Tensor, LearnableTemperature, Tensor> fused, Func<Tensor, int[], Tensor, Tensor> reference)
    {
        int n = 20, d = 6;
        var positives = Enumerable.Range(0, n).Select(i => (i + n / 2) % n).ToArray();
        var z = (Tensor.RandomNormal([n, d], 3, Device.Cpu, DType.Float64).ToDoubleArray(), new[] { n, d });
        var theta = (new[] { Math.Log(1 / 0.3) }, new[] { 1 });
        var got = LeafRun.Run(x => fused(x[0], LearnableTemperature.FromLogInverseTemperature(x[1])), z, theta);
        var expected = LeafRun.Run(x => reference(x[0], positives, x[1]), z, theta);
        Assert.That(got.Loss, Is.EqualTo(expected.Loss).Within(1e-9), "loss");
        Close.Assert(got.Grads[0], expected.Grads[0], 1e-10, 1e-7, "gradient");
        Close.Assert(got.Grads[1], expected.Grads[1], 1e-10, 1e-7, "θ gradient");
    }

    [Test]
    public void WithNoLabelKnown_DropAndAttract_AreNtXent()
    {
        using var scope = TensorScope.Begin();
        var z = Tensor.RandomNormal([16, 4], 5, Device.Cpu, DType.Float64);
        var unknown = Tensor.FromArray(Enumerable.Repeat(-1, 16).ToArray(), [16], Device.Cpu);
        double plain = new NtXentLoss(0.2).Forward(z).Item();
        Assert.That(new NtXentLoss(0.2).Forward(z, null, unknown, FalseNegatives.Drop).Item(), Is.EqualTo(plain).Within(1e-12));
        Assert.That(new NtXentLoss(0.2).Forward(z, null, unknown, FalseNegatives.Attract).Item(), Is.EqualTo(plain).Within(1e-12));
    }

    [Test]
    public void DroppingSameClassNegatives_LowersTheLoss_AttractingThemChangesIt()
    {
        using var scope = TensorScope.Begin();
        var z = Tensor.RandomNormal([16, 4], 5, Device.Cpu, DType.Float64);
        var labels = Tensor.FromArray(PairLabels(16, 2, 1), [16], Device.Cpu);
        double plain = new NtXentLoss(0.2).Forward(z).Item();
        Assert.That(new NtXentLoss(0.2).Forward(z, null, labels, FalseNegatives.Drop).Item(), Is.LessThan(plain));
        Assert.That(new NtXentLoss(0.2).Forward(z, null, labels, FalseNegatives.Attract).Item(), Is.Not.EqualTo(plain).Within(1e-6));
    }

    [Test]
    public void BadPairsOrLabels_AreRefusedWithAMessageThatNamesThem()
    {
        using var scope = TensorScope.Begin();
        var z = Tensor.RandomNormal([6, 3], 1, Device.Cpu, DType.Float64);
        var loss = new NtXentLoss(0.2);
        var split = Tensor.FromArray(new[] { 0, 1, 2, 0, 1, 5 }, [6], Device.Cpu);
        var e = Assert.Throws<ArgumentException>(() => loss.Forward(z, null, split, FalseNegatives.Drop))!;
        Assert.That(e.Message, Does.Contain("rows 2 and 5 are a positive pair").And.Contain("labels 2 and 5"));
        var oneWay = Tensor.FromArray(new[] { 1, 2, 0, 4, 5, 3 }, [6], Device.Cpu);
        e = Assert.Throws<ArgumentException>(() => loss.Forward(z, oneWay, Tensor.FromArray(new int[6], [6], Device.Cpu), FalseNegatives.Attract))!;
        Assert.That(e.Message, Does.Contain("p(0) = 1 but p(1) = 2"));
        e = Assert.Throws<ArgumentException>(() => loss.Forward(z, null, Tensor.FromArray(new[] { -3, 0, 0, -3, 0, 0 }, [6], Device.Cpu), FalseNegatives.Drop))!;
        Assert.That(e.Message, Does.Contain("label -3 of row 0"));
    }

    [TestCase(FalseNegatives.Drop)]
    [TestCase(FalseNegatives.Attract)]
    public void Backward_MatchesFiniteDifferences(FalseNegatives handling)
    {
        var labels = new[] { 0, 1, -1, 0, 0, 1, -1, 0 };
        var c = new OpCase($"ntxent {handling}", [[8, 3]], (x, d) => new NtXentLoss(0.5).Forward(x[0], null, Tensor.FromArray(labels, [8], d), handling));
        var (analytic, numeric) = GradientChecker.Compare(c, 4);
        Close.Assert(analytic[0], numeric[0], atol: 1e-6, rtol: 1e-5, "gradient");
    }

    [TestCase(12, 5, 3, 0.2, true)]
    [TestCase(12, 5, 9, 0.2, true)]
    [TestCase(400, 9, 8, 0.07, true)]
    [TestCase(260, 16, 32, 0.5, false)]
    [TestCase(200, 7, 1, 0.05, true)]
    public void DropTop_EqualsTheDefinition(int n, int d, int topK, double tau, bool normalize)
    {
        var positives = Enumerable.Range(0, n).Select(i => (i + n / 2) % n).ToArray();
        var z = (Tensor.RandomNormal([n, d], n + d + topK, Device.Cpu, DType.Float64).ToDoubleArray(), new[] { n, d });
        var fused = LeafRun.Run(x => new NtXentLoss(tau, normalize).ForwardDropTop(x[0], null, topK).Loss, z);
        var reference = LeafRun.Run(x => ComposedLosses.NtXentDropTop(x[0], positives, topK, tau, normalize), z);
        Assert.That(fused.Loss, Is.EqualTo(reference.Loss).Within(1e-9 * Math.Max(1, Math.Abs(reference.Loss))), "loss");
        Close.Assert(fused.Grads[0], reference.Grads[0], 1e-10, 1e-7, "gradient");
    }

    [Test]
    public void DropTop_NamesTheMostSimilarNegatives_MostSimilarFirst()
    {
        int n = 30, d = 4, k = 5;
        using var scope = TensorScope.Begin();
        var z = Tensor.RandomNormal([n, d], 11, Device.Cpu, DType.Float64);
        var positives = NtXentLoss.DefaultPositives(n, Device.Cpu).ToIntArray();
        var dropped = new NtXentLoss(0.3).ForwardDropTop(z, null, k).Dropped;
        Assert.That(dropped.Shape, Is.EqualTo(new[] { n, k }));
        var y = z.L2NormalizeRows().ToDoubleArray();
        double Cosine(int i, int j) => Enumerable.Range(0, d).Sum(t => y[i * d + t] * y[j * d + t]);
        var got = dropped.ToIntArray();
        for (int i = 0; i < n; i++)
        {
            var expected = Enumerable.Range(0, n).Where(j => j != i && j != positives[i]).OrderByDescending(j => Cosine(i, j)).Take(k);
            Assert.That(got.Skip(i * k).Take(k), Is.EqualTo(expected), $"row {i}");
        }
    }

    [Test]
    public void DropTop_LowersTheLoss_MoreAsKGrows_AndItsTemperatureGradientMatchesTheDefinition()
    {
        using var scope = TensorScope.Begin();
        var z = Tensor.RandomNormal([16, 4], 5, Device.Cpu, DType.Float64);
        double plain = new NtXentLoss(0.2).Forward(z).Item();
        double one = new NtXentLoss(0.2).ForwardDropTop(z, null, 1).Loss.Item(), four = new NtXentLoss(0.2).ForwardDropTop(z, null, 4).Loss.Item();
        Assert.That(one, Is.LessThan(plain));
        Assert.That(four, Is.LessThan(one));

        AssertLearnedTemperatureMatchesTheDefinition(
            (x, tau) => new NtXentLoss(tau).ForwardDropTop(x, null, 3).Loss,
            (x, positives, theta) => ComposedLosses.NtXentDropTop(x, positives, 3, 0.3, true, theta));
    }

    [Test]
    public void DropTop_BadK_IsRefusedWithAMessageThatNamesIt()
    {
        using var scope = TensorScope.Begin();
        var z = Tensor.RandomNormal([10, 3], 1, Device.Cpu, DType.Float64);
        var loss = new NtXentLoss(0.2);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => loss.ForwardDropTop(z, null, 0))!.Message, Does.Contain("K must be between 1 and 32"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => loss.ForwardDropTop(z, null, 33))!.Message, Does.Contain("K must be between 1 and 32"));
        Assert.That(Assert.Throws<ArgumentException>(() => loss.ForwardDropTop(z, null, 8))!.Message, Does.Contain("K below the 8 negatives each of the 10 rows has; got K = 8"));
        Assert.That(Assert.Throws<ArgumentException>(() => loss.Forward(z, null, Tensor.FromArray(new int[10], [10], Device.Cpu), FalseNegatives.DropTop))!.Message,
            Does.Contain("drop-top reads no labels"));
    }

    [Test]
    public void DropTop_Backward_MatchesFiniteDifferences()
    {
        var c = new OpCase("ntxent drop-top", [[10, 3]], (x, d) => new NtXentLoss(0.5).ForwardDropTop(x[0], null, 3).Loss);
        var (analytic, numeric) = GradientChecker.Compare(c, 4);
        Close.Assert(analytic[0], numeric[0], atol: 1e-6, rtol: 1e-5, "gradient");
    }
}
