using NativeContrast.Losses;

namespace NativeContrast.Tests.Backends;

/// <summary>
/// The cpu backend gives the same bits on every run (what makes a resumed training run equal an
/// uninterrupted one): parallel partial sums are assigned to threads statically and added in order.
/// </summary>
public class DeterminismTests
{
    private static float[] Run(Func<Tensor, Tensor> f, Tensor x)
    {
        using var scope = TensorScope.Begin();
        var leaf = x.Clone();
        leaf.RequiresGrad = true;
        f(leaf).Backward();
        return leaf.Grad!.ToFloatArray();
    }

    [Test]
    public void FusedLossGradients_AreBitwiseRepeatable()
    {
        using var scope = TensorScope.Begin();
        var z = Tensor.RandomNormal([1500, 64], 1);
        var labels = Tensor.FromArray(Enumerable.Range(0, 1500).Select(i => i % 37).ToArray(), 1500);
        var keys = Tensor.RandomNormal([1500, 64], 2);
        foreach (var f in new Func<Tensor, Tensor>[]
        {
            x => new NtXentLoss(0.1).Forward(x),
            x => new SupConLoss(0.1).Forward(x, labels),
            x => new ClipLoss(0.1).Forward(x, keys),
        })
        {
            var first = Run(f, z);
            for (int i = 0; i < 3; i++) Assert.That(Run(f, z), Is.EqualTo(first));
        }
    }

    [Test]
    public void ConvolutionFilterGradient_IsBitwiseRepeatable()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.RandomNormal([64, 8, 14, 14], 1);
        var w = Tensor.RandomNormal([16, 8, 3, 3], 2);
        float[] Grad()
        {
            using var inner = TensorScope.Begin();
            var wi = w.Clone();
            wi.RequiresGrad = true;
            x.Conv2d(wi, null, 2, 1).Sum().Backward();
            return wi.Grad!.ToFloatArray();
        }
        var first = Grad();
        for (int i = 0; i < 3; i++) Assert.That(Grad(), Is.EqualTo(first));
    }
}
