using NativeContrast.Losses;

namespace NativeContrast.Tests.Losses;

/// <summary>The fused triplet mining and loss against a brute-force host computation with the full distance matrix.</summary>
public class TripletLossTests
{
    private static double Distance(double[] a, double[] b, DistanceMetric metric)
    {
        double dot = 0, na = 0, nb = 0, sq = 0;
        for (int k = 0; k < a.Length; k++)
        {
            dot += a[k] * b[k];
            na += a[k] * a[k];
            nb += b[k] * b[k];
            sq += (a[k] - b[k]) * (a[k] - b[k]);
        }
        return metric switch
        {
            DistanceMetric.Cosine => 1 - dot / Math.Sqrt(na * nb),
            DistanceMetric.SquaredEuclidean => sq,
            _ => Math.Sqrt(sq),
        };
    }

    /// <summary>The documented rule, spelled out over the whole matrix.</summary>
    private static double BruteForce(double[][] rows, int[] labels, double margin, TripletMining mining, DistanceMetric metric, bool softMargin)
    {
        int n = rows.Length;
        double total = 0;
        int count = 0;
        for (int a = 0; a < n; a++)
        {
            var dist = rows.Select(r => Distance(rows[a], r, metric)).ToArray();
            var positives = Enumerable.Range(0, n).Where(j => j != a && labels[j] == labels[a]).ToArray();
            var negatives = Enumerable.Range(0, n).Where(j => labels[j] != labels[a]).ToArray();
            if (positives.Length == 0 || negatives.Length == 0) continue;
            double dp = positives.Max(j => dist[j]);
            double dn;
            if (mining == TripletMining.Hard)
            {
                dn = negatives.Min(j => dist[j]);
            }
            else
            {
                var farther = negatives.Where(j => dist[j] > dp).ToArray();
                dn = farther.Length > 0 ? farther.Min(j => dist[j]) : negatives.Max(j => dist[j]);
            }
            double gap = dp - dn;
            total += softMargin ? Math.Log(1 + Math.Exp(gap)) : Math.Max(gap + margin, 0);
            count++;
        }
        return total / count;
    }

    [TestCase(TripletMining.Hard, DistanceMetric.Euclidean, false, true)]
    [TestCase(TripletMining.Hard, DistanceMetric.SquaredEuclidean, false, false)]
    [TestCase(TripletMining.Hard, DistanceMetric.Cosine, true, false)]
    [TestCase(TripletMining.SemiHard, DistanceMetric.Euclidean, false, true)]
    [TestCase(TripletMining.SemiHard, DistanceMetric.SquaredEuclidean, true, true)]
    [TestCase(TripletMining.SemiHard, DistanceMetric.Cosine, false, false)]
    public void Loss_EqualsBruteForce_AcrossTiles(TripletMining mining, DistanceMetric metric, bool softMargin, bool normalize)
    {
        int n = 300, d = 8;
        var rng = new Random(17);
        var labels = Enumerable.Range(0, n).Select(_ => rng.Next(12)).ToArray();
        labels[5] = 99; // an anchor with no positive: left out
        using var scope = TensorScope.Begin();
        var z = Tensor.RandomNormal([n, d], 9, Device.Cpu, DType.Float64);
        var loss = new TripletLoss(0.3, mining, metric, softMargin, normalize).Forward(z, Tensor.FromArray(labels, [n], Device.Cpu));
        var values = (normalize ? z.L2NormalizeRows() : z).ToDoubleArray();
        var rows = Enumerable.Range(0, n).Select(i => values.AsSpan(i * d, d).ToArray()).ToArray();
        Assert.That(loss.Item(), Is.EqualTo(BruteForce(rows, labels, 0.3, mining, metric, softMargin)).Within(1e-9));
    }

    [Test]
    public void IdenticalRows_GiveFiniteGradients()
    {
        using var scope = TensorScope.Begin();
        var row = new float[] { 0.3f, -1.2f, 0.5f };
        var z = Tensor.FromArray(Enumerable.Repeat(row, 6).SelectMany(r => r).ToArray(), [6, 3], Device.Cpu, requiresGrad: true);
        var loss = new TripletLoss(0.2).Forward(z, Tensor.FromArray([0, 0, 1, 1, 2, 2], 6));
        loss.Backward();
        Assert.That(loss.Item(), Is.EqualTo(0.2).Within(1e-6));
        Assert.That(z.Grad!.ToFloatArray().All(float.IsFinite), Is.True);
    }

    [Test]
    public void NoAnchorWithPositiveAndNegative_SaysWhy()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => new TripletLoss().Forward(Tensor.RandomNormal([4, 3], 1), Tensor.FromArray([0, 1, 2, 3], 4)));
        Assert.That(e!.Message, Does.Contain("no anchor has both a positive"));
        e = Assert.Throws<ArgumentException>(() => new TripletLoss().Forward(Tensor.RandomNormal([4, 3], 1), Tensor.FromArray([7, 7, 7, 7], 4)));
        Assert.That(e!.Message, Does.Contain("no anchor has both a positive"));
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.PositiveInfinity)]
    public void BadMargin_IsRejected(double margin) =>
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TripletLoss(margin))!.Message, Does.Contain("margin"));

    [Test]
    public void LabelsOfWrongLength_NameTheShape()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => new TripletLoss().Forward(Tensor.RandomNormal([4, 3], 1), Tensor.FromArray([0, 1, 0], 3)));
        Assert.That(e!.Message, Does.Contain("[4]").And.Contain("[3]"));
    }

    [Test]
    public void BatchHard_EqualsComposedWithFullDistanceMatrix_ForwardAndBackward()
    {
        int n = 300, d = 12;
        var labels = Enumerable.Range(0, n).Select(i => (i * 7) % 23).ToArray();
        var values = Tensor.RandomNormal([n, d], 4, Device.Cpu, DType.Float64).ToDoubleArray();
        (double, double[]) Run(Func<Tensor, Tensor> loss)
        {
            using var scope = TensorScope.Begin();
            var z = Tensor.FromArray(values, [n, d], Device.Cpu, requiresGrad: true);
            var l = loss(z);
            l.Backward();
            return (l.Item(), z.Grad!.ToDoubleArray());
        }
        var fused = Run(z => new TripletLoss(0.5).Forward(z, Tensor.FromArray(labels, [n], Device.Cpu)));
        var composed = Run(z => ComposedLosses.TripletBatchHard(z, labels, 0.5, normalize: true));
        Assert.That(fused.Item1, Is.EqualTo(composed.Item1).Within(1e-9));
        NativeContrast.Tests.Support.Close.Assert(fused.Item2, composed.Item2, 1e-9, 1e-6, "gradient");
    }
}
