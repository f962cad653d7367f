using NativeContrast.Augmentation;
using NativeContrast.Evaluation;
using NativeContrast.Nn;

namespace NativeContrast.Tests.Training;

/// <summary>Alignment and uniformity (Wang and Isola) against their definitions computed pair by pair.</summary>
public class EmbeddingGeometryTests
{
    private static float[] UnitRows(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n * d];
        for (int i = 0; i < n; i++)
        {
            double norm = 0;
            for (int k = 0; k < d; k++) norm += Math.Pow(x[i * d + k] = (float)(rng.NextDouble() - 0.5), 2);
            for (int k = 0; k < d; k++) x[i * d + k] /= (float)Math.Sqrt(norm);
        }
        return x;
    }

    [TestCase(5, 3)]
    [TestCase(300, 16)]
    public void Uniformity_IsTheLogMeanOverPairsOfExpMinus2SquaredDistances(int n, int d)
    {
        var x = UnitRows(n, d, n);
        double sum = 0;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
            {
                if (i == k) continue;
                double squared = 0;
                for (int j = 0; j < d; j++) squared += Math.Pow(x[i * d + j] - x[k * d + j], 2);
                sum += Math.Exp(-2 * squared);
            }
        double expected = Math.Log(sum / ((double)n * (n - 1)));
        Assert.That(EmbeddingGeometry.Uniformity(x, n, d, Device.Cpu), Is.EqualTo(expected).Within(1e-5));
        Assert.That(expected, Is.LessThan(0), "−2‖u − v‖² ≤ 0 for distinct unit vectors");
    }

    [Test]
    public void Alignment_IsZeroForViewsThatDoNotChange_AndPositiveForViewsThatDo()
    {
        var data = SyntheticImages.Create(40, 3);
        using var encoder = new SmallCnn();
        double identical = EmbeddingGeometry.Alignment(encoder, data, new AugmentationPipeline(), Device.Cpu, batchSize: 16);
        Assert.That(identical, Is.EqualTo(0).Within(1e-9));
        double augmented = EmbeddingGeometry.Alignment(encoder, data, Augmentations.Grayscale28(0.2), Device.Cpu, batchSize: 16);
        Assert.That(augmented, Is.GreaterThan(1e-4).And.LessThanOrEqualTo(4), "a squared distance between unit vectors");
        Assert.That(EmbeddingGeometry.Alignment(encoder, data, Augmentations.Grayscale28(0.2), Device.Cpu, batchSize: 16), Is.EqualTo(augmented), "the views are fixed by the seed");
    }
}
