using NativeContrast.Data;
using NativeContrast.Evaluation;

namespace NativeContrast.Tests.Training;

/// <summary>The raw-pixel bar the evaluation prints beside the encoder's accuracy.</summary>
public class RawPixelBaselineTests
{
    /// <summary>Class c's images are bright in row band c and noisy elsewhere: raw pixels separate them.</summary>
    private static ImageDataset Bands(int count, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * 28 * 28];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 4;
            for (int p = 0; p < 28 * 28; p++)
                pixels[i * 784 + p] = (byte)(p / 28 / 7 == labels[i] ? 200 + rng.Next(50) : rng.Next(60));
        }
        return new ImageDataset(pixels, labels, 1, 28, 28, ["a", "b", "c", "d"]);
    }

    [Test]
    public void SeparablePixels_ScorePerfectly_AndPointsHaveASign()
    {
        var (knn20, knn200, probe) = RawPixelBaseline.Run(Bands(200, 1), Bands(40, 2));
        Assert.That((knn20, knn200, probe), Is.EqualTo((1.0, 1.0, 1.0)));
        Assert.That(Evaluator.Points(0.8289, 0.8554), Is.EqualTo("−2.65 points"));
        Assert.That(Evaluator.Points(0.87, 0.85), Is.EqualTo("+2.00 points"));
    }

    [Test]
    public void ImagesOfAnotherSize_AreRefused()
    {
        var small = new ImageDataset(new byte[4 * 9], [0, 1, 0, 1], 1, 3, 3, ["a", "b"]);
        var e = Assert.Throws<ArgumentException>(() => RawPixelBaseline.Run(Bands(8, 1), small))!;
        Assert.That(e.Message, Does.Contain("784 and 9"));
    }
}
