using NativeContrast.Data;

namespace NativeContrast.Evaluation;

/// <summary>
/// The bar an encoder has to clear: the same kNN and linear probe on the raw pixels of the same split, flattened and
/// standardized per pixel with the training split's mean and deviation (and, for the cosine kNN, L2-normalized).
/// On Fashion-MNIST a kNN on raw pixels scores about 85% (the dataset's benchmark table), so an encoder below that
/// has learned a representation worse than its input.
/// </summary>
public static class RawPixelBaseline
{
    /// <summary>kNN (k = 20, 200) and linear-probe accuracy on the standardized raw pixels.</summary>
    public static (double KnnTop20, double KnnTop200, double LinearProbe) Run(ImageDataset train, ImageDataset test, CancellationToken cancel = default)
    {
        if (train.ImageSize != test.ImageSize)
            throw new ArgumentException($"The training and test images differ in size ({train.ImageSize} and {test.ImageSize} values).");
        int dim = train.ImageSize, classes = Math.Max(train.ClassNames.Count, test.ClassNames.Count);
        var (mean, deviation) = PixelStatistics(train);
        var xTrain = Standardized(train, mean, deviation);
        var xTest = Standardized(test, mean, deviation);
        cancel.ThrowIfCancellationRequested();
        var knn = KnnClassifier.Accuracy(xTrain, train.Labels, xTest, test.Labels, dim, classes, [20, 200]);
        cancel.ThrowIfCancellationRequested();
        double probe = LinearProbe.Accuracy(xTrain, train.Labels, xTest, test.Labels, dim, classes, cancel: cancel);
        return (knn[20], knn[200], probe);
    }

    /// <summary>Per pixel (and channel): mean and standard deviation over the split, in [0, 1] units (deviation at least 1e-3: constant border pixels).</summary>
    private static (double[] Mean, double[] Deviation) PixelStatistics(ImageDataset data)
    {
        int dim = data.ImageSize;
        var sum = new double[dim];
        var squares = new double[dim];
        var pixels = new byte[dim];
        for (int i = 0; i < data.Count; i++)
        {
            data.CopyPixels(i, pixels);
            for (int k = 0; k < dim; k++)
            {
                double v = pixels[k] / 255.0;
                sum[k] += v;
                squares[k] += v * v;
            }
        }
        var mean = sum.Select(s => s / data.Count).ToArray();
        var deviation = squares.Select((s, k) => Math.Max(Math.Sqrt(Math.Max(s / data.Count - mean[k] * mean[k], 0)), 1e-3)).ToArray();
        return (mean, deviation);
    }

    /// <summary>Each image standardized per pixel, then scaled to unit length (the kNN compares by cosine; the probe standardizes again).</summary>
    private static float[] Standardized(ImageDataset data, double[] mean, double[] deviation)
    {
        int dim = data.ImageSize;
        var x = new float[data.Count * dim];
        Parallel.For(0, data.Count, () => new byte[dim], (i, _, pixels) =>
        {
            data.CopyPixels(i, pixels);
            double norm = 0;
            for (int k = 0; k < dim; k++)
            {
                double v = (pixels[k] / 255.0 - mean[k]) / deviation[k];
                x[i * dim + k] = (float)v;
                norm += v * v;
            }
            float inverse = norm > 0 ? (float)(1 / Math.Sqrt(norm)) : 0f;
            for (int k = 0; k < dim; k++) x[i * dim + k] *= inverse;
            return pixels;
        }, _ => { });
        return x;
    }
}
