using NativeContrast.Nn;
using NativeContrast.Optim;

namespace NativeContrast.Evaluation;

/// <summary>
/// The linear-evaluation protocol: multinomial logistic regression (one linear layer and softmax
/// cross-entropy) trained on frozen features of the training set — standardized with the training
/// mean and deviation — by AdamW in seeded mini-batches; accuracy on the test features.
/// </summary>
public static class LinearProbe
{
    /// <summary>Accuracy on <paramref name="test"/> of a multinomial logistic regression trained on <paramref name="train"/> (frozen, standardized features [N·dim]).</summary>
    public static double Accuracy(float[] train, int[] trainLabels, float[] test, int[] testLabels, int dim, int classes,
        int epochs = 30, int batchSize = 512, double learningRate = 1e-2, double weightDecay = 1e-4, int seed = 0, CancellationToken cancel = default)
    {
        var (mean, scale) = Standardization(train, dim);
        var xTrain = Standardize(train, dim, mean, scale);
        var xTest = Standardize(test, dim, mean, scale);
        using var layer = new Linear(dim, classes, seed: seed);
        using var optimizer = new AdamW(layer.NamedParameters(), learningRate, weightDecay: weightDecay);
        // At least 500 steps, however small the training set, so that small sets converge too.
        int perEpoch = (trainLabels.Length + batchSize - 1) / batchSize;
        epochs = Math.Max(epochs, (500 + perEpoch - 1) / perEpoch);
        var schedule = new WarmupCosineSchedule(learningRate, 0, epochs * perEpoch);
        var rng = new Random(seed);
        var order = Enumerable.Range(0, trainLabels.Length).ToArray();
        int step = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            rng.Shuffle(order);
            for (int start = 0; start < order.Length; start += batchSize)
            {
                int n = Math.Min(batchSize, order.Length - start);
                var rows = new float[n * dim];
                var y = new int[n];
                for (int i = 0; i < n; i++)
                {
                    Array.Copy(xTrain, order[start + i] * dim, rows, i * dim, dim);
                    y[i] = trainLabels[order[start + i]];
                }
                using var scope = TensorScope.Begin();
                schedule.Apply(optimizer, step++);
                Tensor.CrossEntropy(layer.Forward(Tensor.FromArray(rows, n, dim)), Tensor.FromArray(y, n)).Backward();
                optimizer.Step();
                optimizer.ZeroGrad();
            }
        }
        using var noGrad = GradMode.NoGrad();
        using var evalScope = TensorScope.Begin();
        var logits = layer.Forward(Tensor.FromArray(xTest, testLabels.Length, dim)).ToFloatArray();
        int correct = 0;
        for (int i = 0; i < testLabels.Length; i++)
        {
            int best = 0;
            for (int c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + best]) best = c;
            if (best == testLabels[i]) correct++;
        }
        return (double)correct / testLabels.Length;
    }

    private static (double[] Mean, double[] Scale) Standardization(float[] x, int dim)
    {
        int n = x.Length / dim;
        var mean = new double[dim];
        var variance = new double[dim];
        for (int i = 0; i < n; i++) for (int k = 0; k < dim; k++) mean[k] += x[i * dim + k];
        for (int k = 0; k < dim; k++) mean[k] /= n;
        for (int i = 0; i < n; i++) for (int k = 0; k < dim; k++) { double d = x[i * dim + k] - mean[k]; variance[k] += d * d; }
        return (mean, variance.Select(v => 1 / Math.Sqrt(v / n + 1e-12)).ToArray());
    }

    private static float[] Standardize(float[] x, int dim, double[] mean, double[] scale)
    {
        var result = new float[x.Length];
        for (int i = 0; i < x.Length; i++) result[i] = (float)((x[i] - mean[i % dim]) * scale[i % dim]);
        return result;
    }
}
