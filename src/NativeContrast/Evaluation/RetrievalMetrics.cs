namespace NativeContrast.Evaluation;

/// <summary>
/// Retrieval within one labelled set (each item queries all the others, by cosine similarity), as in
/// Musgrave et al. 2020: precision@1; R-precision (R = how many other items share the query's label:
/// the fraction of the top R that do); MAP@R = (1/R) Σ_{i≤R} P(i)·[item i relevant].
/// </summary>
public static class RetrievalMetrics
{
    /// <summary>Precision@1, R-precision and MAP@R of retrieving each row's class among the other rows by cosine similarity (Musgrave et al. 2020).</summary>
    public static (double PrecisionAt1, double RPrecision, double MapAtR) Compute(float[] features, int[] labels, int dim)
    {
        int n = labels.Length;
        var counts = labels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        int maxR = counts.Values.Max() - 1;
        if (maxR < 1) throw new ArgumentException("Retrieval metrics need at least two items of some label.", nameof(labels));
        double p1 = 0, rPrecision = 0, mapR = 0;
        int queries = 0;
        var gate = new object();
        Neighbours.ForEachQuery(features, features, n, dim, maxR, excludeSelf: true, (q, indices, _) =>
        {
            int r = counts[labels[q]] - 1;
            if (r == 0) return;
            int hits = 0;
            double precisionSum = 0;
            for (int i = 0; i < r; i++)
            {
                if (labels[indices[i]] != labels[q]) continue;
                hits++;
                precisionSum += (double)hits / (i + 1);
            }
            lock (gate)
            {
                queries++;
                p1 += labels[indices[0]] == labels[q] ? 1 : 0;
                rPrecision += (double)hits / r;
                mapR += precisionSum / r;
            }
        });
        return (p1 / queries, rPrecision / queries, mapR / queries);
    }
}
