using NativeContrast.Evaluation;

namespace NativeContrast.Tests.Training;

/// <summary>kNN, linear probe and retrieval on synthetic features with known answers.</summary>
public class EvaluationTests
{
    /// <summary>n points per class around the class's axis (unit vector e_c), plus noise, L2-normalized.</summary>
    private static (float[] X, int[] Y) Clusters(int perClass, int classes, int dim, double noise, int seed)
    {
        var rng = new Random(seed);
        var x = new float[perClass * classes * dim];
        var y = new int[perClass * classes];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = i % classes;
            double norm = 0;
            for (int k = 0; k < dim; k++)
            {
                double v = (k == y[i] ? 1 : 0) + noise * (rng.NextDouble() - 0.5);
                x[i * dim + k] = (float)v;
                norm += v * v;
            }
            for (int k = 0; k < dim; k++) x[i * dim + k] /= (float)Math.Sqrt(norm);
        }
        return (x, y);
    }

    [Test]
    public void SeparableClusters_ArePerfect()
    {
        var (train, trainY) = Clusters(50, 4, 8, 0.2, 1);
        var (test, testY) = Clusters(20, 4, 8, 0.2, 2);
        var knn = KnnClassifier.Accuracy(train, trainY, test, testY, 8, 4, [1, 20, 200]);
        Assert.That(knn.Values, Is.All.EqualTo(1.0));
        Assert.That(LinearProbe.Accuracy(train, trainY, test, testY, 8, 4), Is.EqualTo(1.0));
        var (p1, rp, map) = RetrievalMetrics.Compute(test, testY, 8);
        Assert.That((p1, rp, map), Is.EqualTo((1.0, 1.0, 1.0)));
    }

    [Test]
    public void KnownNeighbours_GiveKnownAnswers()
    {
        // 1-D on the circle: train points at angles 0, 0.1 (class 0) and 1.5, 1.6 (class 1); a test point at
        // 0.7 is nearer class 0 with k = 1, but a test point at 0.85 is nearer class 1.
        float[] Point(double angle) => [(float)Math.Cos(angle), (float)Math.Sin(angle)];
        var train = new[] { 0.0, 0.1, 1.5, 1.6 }.SelectMany(Point).ToArray();
        var test = new[] { 0.7, 0.85 }.SelectMany(Point).ToArray();
        var knn = KnnClassifier.Accuracy(train, [0, 0, 1, 1], test, [0, 1], 2, 2, [1]);
        Assert.That(knn[1], Is.EqualTo(1.0));
        knn = KnnClassifier.Accuracy(train, [0, 0, 1, 1], test, [1, 0], 2, 2, [1]);
        Assert.That(knn[1], Is.EqualTo(0.0));
    }

    [Test]
    public void Retrieval_HalfRight_GivesTheExpectedMapAtR()
    {
        // Two labels, two items each; every query's nearest other item has the other label, the second
        // nearest its own: P@1 = 0, R = 1 so R-precision = 0 and MAP@R = 0.
        float[] Point(double angle) => [(float)Math.Cos(angle), (float)Math.Sin(angle)];
        var x = new[] { 0.0, 0.1, 1.0, 1.1 }.SelectMany(Point).ToArray();
        var (p1, rp, map) = RetrievalMetrics.Compute(x, [0, 1, 0, 1], 2);
        Assert.That((p1, rp, map), Is.EqualTo((0.0, 0.0, 0.0)));
        // Labels that agree with the geometry: all 1.
        Assert.That(RetrievalMetrics.Compute(x, [0, 0, 1, 1], 2), Is.EqualTo((1.0, 1.0, 1.0)));
    }
}
