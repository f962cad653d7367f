using NativeContrast.Training;

namespace NativeContrast.Tests.Training;

/// <summary>The false-negative statistics SimCLR runs log, against the N×N matrix counted pair by pair.</summary>
public class NegativeStatisticsTests
{
    [Test]
    public void ClassSums_GiveWhatCountingEveryPairGives()
    {
        int n = 37, p = 5;
        var rng = new Random(3);
        var labels = Enumerable.Range(0, n).Select(_ => rng.Next(4)).ToArray();
        using var scope = TensorScope.Begin();
        var z = Tensor.RandomNormal([2 * n, p], 9, Device.Cpu, DType.Float64);
        var measured = NegativeStatistics.Measure(z, labels);

        var y = z.L2NormalizeRows().ToDoubleArray();
        double Dot(int a, int b) => Enumerable.Range(0, p).Sum(k => y[a * p + k] * y[b * p + k]);
        int same = 0, other = 0;
        double sameSum = 0, otherSum = 0;
        for (int i = 0; i < 2 * n; i++)
            for (int k = 0; k < 2 * n; k++)
            {
                if (k == i || k == (i + n) % (2 * n)) continue;
                if (labels[i % n] == labels[k % n]) { same++; sameSum += Dot(i, k); }
                else { other++; otherSum += Dot(i, k); }
            }
        Assert.That(measured.SameClassShare, Is.EqualTo((double)same / (same + other)).Within(1e-12));
        Assert.That(measured.SameClassSimilarity, Is.EqualTo(sameSum / same).Within(1e-10));
        Assert.That(measured.OtherSimilarity, Is.EqualTo(otherSum / other).Within(1e-10));
    }
}
