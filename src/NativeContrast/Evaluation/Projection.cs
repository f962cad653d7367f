namespace NativeContrast.Evaluation;

/// <summary>A 2-D view of embeddings for plots: the top two principal components (power iteration on the covariance, seeded).</summary>
internal static class Projection
{
    public static (double[] X, double[] Y) Pca2(float[] features, int dim, int seed = 0)
    {
        int n = features.Length / dim;
        var mean = new double[dim];
        for (int i = 0; i < n; i++) for (int k = 0; k < dim; k++) mean[k] += features[i * dim + k];
        for (int k = 0; k < dim; k++) mean[k] /= Math.Max(1, n);
        var cov = new double[dim * dim];
        var row = new double[dim];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < dim; k++) row[k] = features[i * dim + k] - mean[k];
            for (int a = 0; a < dim; a++)
                for (int b = a; b < dim; b++) cov[a * dim + b] += row[a] * row[b];
        }
        for (int a = 0; a < dim; a++) for (int b = 0; b < a; b++) cov[a * dim + b] = cov[b * dim + a];
        var first = Leading(cov, dim, null, seed);
        var second = Leading(cov, dim, first, seed + 1);
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < dim; k++)
            {
                double v = features[i * dim + k] - mean[k];
                x[i] += v * first[k];
                y[i] += v * second[k];
            }
        return (x, y);
    }

    /// <summary>The leading eigenvector of a symmetric matrix, orthogonal to <paramref name="deflate"/> when given.</summary>
    private static double[] Leading(double[] m, int dim, double[]? deflate, int seed)
    {
        var rng = new Random(seed);
        var v = Enumerable.Range(0, dim).Select(_ => rng.NextDouble() - 0.5).ToArray();
        for (int iteration = 0; iteration < 200; iteration++)
        {
            if (deflate is not null)
            {
                double dot = v.Zip(deflate, (a, b) => a * b).Sum();
                for (int k = 0; k < dim; k++) v[k] -= dot * deflate[k];
            }
            var next = new double[dim];
            for (int a = 0; a < dim; a++)
                for (int b = 0; b < dim; b++) next[a] += m[a * dim + b] * v[b];
            double norm = Math.Sqrt(next.Sum(t => t * t));
            if (norm == 0) break;
            for (int k = 0; k < dim; k++) v[k] = next[k] / norm;
        }
        return v;
    }
}
