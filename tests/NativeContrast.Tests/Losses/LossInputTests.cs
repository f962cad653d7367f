using NativeContrast.Losses;

namespace NativeContrast.Tests.Losses;

/// <summary>Bad input to each loss gives an exception that names the problem; stability at τ = 0.01 with identical rows.</summary>
public class LossInputTests
{
    private static Tensor Rows(int n, int d, int seed = 1) => Tensor.RandomNormal([n, d], seed);

    private static Tensor WithNaN(int n, int d, int row)
    {
        var v = Rows(n, d).ToFloatArray();
        v[row * d + 1] = float.NaN;
        return Tensor.FromArray(v, n, d);
    }

    public static IEnumerable<TestCaseData> Losses()
    {
        yield return new TestCaseData("ntxent", (Func<Tensor, Tensor>)(z => new NtXentLoss().Forward(z)));
        yield return new TestCaseData("supcon", (Func<Tensor, Tensor>)(z => new SupConLoss().Forward(z, Tensor.FromArray(Enumerable.Range(0, z.Shape[0]).Select(i => i % 2).ToArray(), z.Shape[0]))));
        yield return new TestCaseData("infonce", (Func<Tensor, Tensor>)(z => new InfoNceLoss().Forward(z, Rows(z.Shape[0], z.Shape[1], 5))));
        yield return new TestCaseData("infonce keys", (Func<Tensor, Tensor>)(z => new InfoNceLoss().Forward(Rows(z.Shape[0], z.Shape[1], 5), z)));
        yield return new TestCaseData("clip", (Func<Tensor, Tensor>)(z => new ClipLoss().Forward(Rows(z.Shape[0], z.Shape[1], 5), z)));
        yield return new TestCaseData("triplet", (Func<Tensor, Tensor>)(z => new TripletLoss().Forward(z, Tensor.FromArray(Enumerable.Range(0, z.Shape[0]).Select(i => i % 2).ToArray(), z.Shape[0]))));
    }

    [TestCaseSource(nameof(Losses))]
    public void NaN_NamesTheRow(string name, Func<Tensor, Tensor> loss)
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<NonFiniteInputException>(() => loss(WithNaN(6, 3, 4)));
        Assert.That(e!.Message, Does.Contain("row 4").And.Contain("NaN"), name);
    }

    [TestCaseSource(nameof(Losses))]
    public void ZeroNormRow_IsRejected(string name, Func<Tensor, Tensor> loss)
    {
        using var scope = TensorScope.Begin();
        var v = Rows(6, 3).ToFloatArray();
        for (int k = 0; k < 3; k++) v[2 * 3 + k] = 0;
        var e = Assert.Throws<ArgumentException>(() => loss(Tensor.FromArray(v, 6, 3)));
        Assert.That(e!.Message, Does.Contain("row 2").And.Contain("zero norm"), name);
    }

    [TestCaseSource(nameof(Losses))]
    public void WrongRank_NamesTheShape(string name, Func<Tensor, Tensor> loss)
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => loss(Tensor.RandomNormal([6, 3, 2], 1)));
        Assert.That(e!.Message, Does.Contain("[6, 3, 2]"), name);
    }

    [Test]
    public void NonPositiveTemperature_IsRejectedByEveryLoss()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new InfoNceLoss(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ClipLoss(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SupConLoss(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new LearnableTemperature(0.001));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new LearnableTemperature(-0.1));
    }

    [Test]
    public void MismatchedShapes_AreNamed()
    {
        using var scope = TensorScope.Begin();
        Assert.That(Assert.Throws<ArgumentException>(() => new ClipLoss().Forward(Rows(4, 3), Rows(5, 3)))!.Message, Does.Contain("4 and 5 rows"));
        Assert.That(Assert.Throws<ArgumentException>(() => new InfoNceLoss().Forward(Rows(4, 3), Rows(5, 2)))!.Message, Does.Contain("embedding dimensions"));
        Assert.That(Assert.Throws<ArgumentException>(() => new InfoNceLoss().Forward(Rows(6, 3), Rows(5, 3)))!.Message, Does.Contain("at least as many keys"));
        Assert.That(Assert.Throws<ArgumentException>(() => new SupConLoss().Forward(Rows(4, 3), Tensor.FromArray([0, 1, 0], 3)))!.Message, Does.Contain("[4]"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new InfoNceLoss().Forward(Rows(2, 3), Rows(4, 3), Tensor.FromArray([0, 4], 2)))!.Message,
            Does.Contain("outside [0, 4)"));
    }

    [Test]
    public void SupCon_WithoutNegativesOrPositives_SaysWhich()
    {
        using var scope = TensorScope.Begin();
        Assert.That(Assert.Throws<ArgumentException>(() => new SupConLoss().Forward(Rows(4, 3), Tensor.FromArray([2, 2, 2, 2], 4)))!.Message, Does.Contain("no anchor has a negative"));
        Assert.That(Assert.Throws<ArgumentException>(() => new SupConLoss().Forward(Rows(4, 3), Tensor.FromArray([0, 1, 2, 3], 4)))!.Message, Does.Contain("no anchor has a positive"));
    }

    [Test]
    public void InfoNce_WithOneKey_HasNoNegative()
    {
        using var scope = TensorScope.Begin();
        Assert.That(Assert.Throws<ArgumentException>(() => new InfoNceLoss().Forward(Rows(1, 3), Rows(1, 3)))!.Message, Does.Contain("a positive and a negative"));
    }

    [Test]
    public void IdenticalRowsAtTinyTemperature_GiveExactFiniteLosses()
    {
        using var scope = TensorScope.Begin();
        var row = Enumerable.Range(0, 8).Select(i => (float)Math.Cos(i)).ToArray();
        var z = Tensor.FromArray(Enumerable.Repeat(row, 6).SelectMany(r => r).ToArray(), [6, 8], Device.Cpu, requiresGrad: true);
        var k = Tensor.FromArray(Enumerable.Repeat(row, 6).SelectMany(r => r).ToArray(), [6, 8], Device.Cpu, requiresGrad: true);
        var labels = Tensor.FromArray([0, 0, 1, 1, 2, 2], 6);
        // Every logit equals 1/τ: each softmax is uniform, so each loss is ln(number of candidates).
        var losses = new[]
        {
            (new SupConLoss(0.01).Forward(z, labels), Math.Log(5)),
            (new InfoNceLoss(0.01).Forward(z, k), Math.Log(6)),
            (new ClipLoss(0.01).Forward(z, k), Math.Log(6)),
        };
        foreach (var (loss, expected) in losses)
        {
            Assert.That(loss.Item(), Is.EqualTo(expected).Within(1e-4));
            loss.Backward();
        }
        Assert.That(z.Grad!.ToFloatArray().All(float.IsFinite) && k.Grad!.ToFloatArray().All(float.IsFinite), Is.True);
    }

    [Test]
    public void LargeLogits_StayFinite()
    {
        // Unnormalized rows of norm ~30 at τ = 0.01: logits near 1e5, far beyond exp's range.
        using var scope = TensorScope.Begin();
        var z = Tensor.RandomNormal([40, 16], 2, std: 8.0);
        z.RequiresGrad = true;
        var loss = new NtXentLoss(0.01, normalize: false).Forward(z);
        loss.Backward();
        Assert.That(double.IsFinite(loss.Item()) && z.Grad!.ToFloatArray().All(float.IsFinite), Is.True);
    }
}
