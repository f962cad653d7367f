namespace NativeContrast.Evaluation;

/// <summary>
/// Weighted k-nearest-neighbour classification on L2-normalized features (Wu et al. 2018, the protocol
/// SimCLR-style papers report): each of the k most cosine-similar training items votes for its class
/// with weight exp(similarity/0.07); the class with the largest total wins.
/// </summary>
public static class KnnClassifier
{
    /// <summary>Temperature of the vote weights exp(s / T) (as in InstDisc and SimCLR's kNN monitor).</summary>
    public const double VoteTemperature = 0.07;

    /// <summary>Accuracy for each k in <paramref name="ks"/> (one similarity pass, the largest k's neighbours reused).</summary>
    public static Dictionary<int, double> Accuracy(float[] train, int[] trainLabels, float[] test, int[] testLabels, int dim, int classes, IReadOnlyList<int> ks)
    {
        // A k beyond the training set's size uses every training item.
        var effective = ks.Select(k => Math.Min(k, trainLabels.Length)).ToArray();
        int kMax = effective.Max();
        if (effective.Min() < 1) throw new ArgumentOutOfRangeException(nameof(ks), "k must be at least 1.");
        var correct = new int[ks.Count];
        Neighbours.ForEachQuery(train, test, testLabels.Length, dim, kMax, excludeSelf: false, (q, indices, sims) =>
        {
            var votes = new double[classes];
            for (int r = 0; r < indices.Length; r++)
            {
                votes[trainLabels[indices[r]]] += Math.Exp(sims[r] / VoteTemperature);
                for (int i = 0; i < effective.Length; i++)
                    if (effective[i] == r + 1 && ArgMax(votes) == testLabels[q]) Interlocked.Increment(ref correct[i]);
            }
        });
        return ks.Select((k, i) => (k, acc: (double)correct[i] / testLabels.Length)).ToDictionary(p => p.k, p => p.acc);
    }

    private static int ArgMax(double[] v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
