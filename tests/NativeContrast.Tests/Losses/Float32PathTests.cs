using NativeContrast.Losses;
using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Losses;

/// <summary>
/// The float32 cpu paths (the symmetric tiled path for NT-Xent and SupCon, the general tiled path for
/// InfoNCE and CLIP, and for one-set losses when D &gt; 512) against float64 — whose path is checked by
/// finite differences and against the composed losses — on sizes around the tile edges.
/// </summary>
public class Float32PathTests
{
    private static void AssertClose(Func<Tensor[], Tensor> loss, params Tensor[] inputs)
    {
        var single = LeafRun.Run(loss, inputs, DType.Float32);
        var reference = LeafRun.Run(loss, inputs, DType.Float64);
        Assert.That(single.Loss, Is.EqualTo(reference.Loss).Within(2e-5 * Math.Max(1, Math.Abs(reference.Loss))), "loss");
        for (int i = 0; i < reference.Grads.Length; i++)
        {
            double scale = reference.Grads[i].Max(Math.Abs);
            Close.Assert(single.Grads[i], reference.Grads[i], 2e-4 * scale, 1e-3, $"gradient {i}");
        }
    }

    private static Tensor Rows(int n, int d, int seed) => Tensor.RandomNormal([n, d], seed, Device.Cpu, DType.Float64);

    [TestCase(8, 3)]
    [TestCase(194, 17)]
    [TestCase(500, 128)]
    [TestCase(1000, 64)]
    [TestCase(386, 512)]
    [TestCase(200, 600)]
    public void NtXent_Float32MatchesFloat64(int n, int d)
    {
        using var scope = TensorScope.Begin();
        AssertClose(x => new NtXentLoss(0.1).Forward(x[0]), Rows(n, d, n + d));
        // Positives that are not mutual (p(p(i)) ≠ i) exercise both positive terms separately.
        var positives = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (i * 5 + 3) % n == i ? (i + 1) % n : (i * 5 + 3) % n).ToArray(), [n], Device.Cpu);
        AssertClose(x => new NtXentLoss(0.05, normalize: false).Forward(x[0] * 0.2, positives), Rows(n, d, n + d + 1));
    }

    [TestCase(8, 3)]
    [TestCase(194, 17)]
    [TestCase(500, 128)]
    [TestCase(386, 512)]
    [TestCase(200, 600)]
    public void PositivesOutOfTheDenominator_Float32MatchesFloat64(int n, int d)
    {
        // The tiled cpu path (D ≤ 512) hides a column anchor's positive from the column statistics and rewrites the positive pairs' weights;
        // non-mutual positives (p(p(i)) ≠ i) put the row and column positives of a tile in different places.
        using var scope = TensorScope.Begin();
        var positives = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (i * 5 + 3) % n == i ? (i + 1) % n : (i * 5 + 3) % n).ToArray(), [n], Device.Cpu);
        AssertClose(x => new DecoupledContrastiveLoss(0.1).Forward(x[0]), Rows(n, d, n + d));
        AssertClose(x => new DecoupledContrastiveLoss(0.05, normalize: false).Forward(x[0] * 0.2, positives), Rows(n, d, n + d + 1));
        AssertClose(x => new DebiasedContrastiveLoss(0.1, 0.0, 0.1).Forward(x[0], positives), Rows(n, d, n + d + 2));
        AssertClose(x => new DebiasedContrastiveLoss(0.1, 2.0, 0.05).Forward(x[0]), Rows(n, d, n + d + 3));
        // HCL's two scales from one pass over the tiles (cpu float32), non-mutual positives, raw rows.
        AssertClose(x => new DebiasedContrastiveLoss(0.2, 1.0, 0.2, normalize: false).Forward(x[0] * 0.3, positives), Rows(n, d, n + d + 4));
    }

    [TestCase(12, 3, 2)]
    [TestCase(194, 17, 8)]
    [TestCase(300, 64, 32)]
    public void DropTop_Float32MatchesFloat64(int n, int d, int topK)
    {
        using var scope = TensorScope.Begin();
        AssertClose(x => new NtXentLoss(0.1).ForwardDropTop(x[0], null, topK).Loss, Rows(n, d, n + d + 5));
    }

    [TestCase(10, 4, 3)]
    [TestCase(450, 32, 20)]
    [TestCase(600, 128, 300)]
    public void SupCon_Float32MatchesFloat64(int n, int d, int classes)
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(n);
        var labels = Enumerable.Range(0, n).Select(_ => rng.Next(classes)).ToArray();
        labels[0] = classes + 1;
        AssertClose(x => new SupConLoss(0.1).Forward(x[0], Tensor.FromArray(labels, [n], Device.Cpu)), Rows(n, d, 3));
    }

    [TestCase(300, 700, 64)]
    [TestCase(17, 40, 5)]
    public void InfoNceAndClip_Float32MatchesFloat64(int n, int m, int d)
    {
        using var scope = TensorScope.Begin();
        AssertClose(x => new InfoNceLoss(0.07).Forward(x[0], x[1]), Rows(n, d, 1), Rows(m, d, 2));
        AssertClose(x => new ClipLoss(0.1).Forward(x[0], x[1]), Rows(n, d, 3), Rows(n, d, 4));
    }
}
