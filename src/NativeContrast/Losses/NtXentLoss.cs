using NativeContrast.Ops;

namespace NativeContrast.Losses;

/// <summary>
/// NT-Xent (SimCLR's normalized temperature-scaled cross-entropy), fused: forward streams column tiles
/// with an online log-sum-exp and backward recomputes them, so memory stays O(N) instead of O(N²).
/// Rows i and p(i) are the two views of one image; by default p(i) = i ± N/2 (the two halves of the
/// batch are the two views). Self-similarity is excluded from every denominator. Mean over rows.
/// </summary>
public sealed class NtXentLoss
{
    /// <param name="temperature">τ &gt; 0; SimCLR uses 0.1–0.5.</param>
    /// <param name="normalize">L2-normalize rows inside the loss (cosine similarity); false takes z as given.</param>
    public NtXentLoss(double temperature = 0.1, bool normalize = true)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature τ must be a finite number greater than 0.");
        Temperature = temperature;
        Normalize = normalize;
    }

    public double Temperature { get; }

    public bool Normalize { get; }

    /// <summary>The loss for embeddings <paramref name="z"/> [N, D]; <paramref name="positives"/> is an optional Int32 [N] index of each row's positive.</summary>
    public Tensor Forward(Tensor z, Tensor? positives = null)
    {
        Validate(z);
        int n = z.Shape[0];
        // A default index tensor belongs to the caller's scope, like every intermediate the graph keeps.
        positives ??= DefaultPositives(n, z.Device);
        ValidatePositives(positives, n, z.Device);
        var input = Normalize ? z.L2NormalizeRows() : z;
        return NtXentOp.Forward(input, positives, Temperature);
    }

    /// <summary>p(i) = i + N/2 for the first half, i − N/2 for the second.</summary>
    public static Tensor DefaultPositives(int n, Device device)
    {
        if (n % 2 != 0)
            throw new ArgumentException($"NT-Xent with default positives needs an even number of rows (two views per image); got {n}. Pass explicit positives otherwise.", nameof(n));
        int half = n / 2;
        return Tensor.FromArray(Enumerable.Range(0, n).Select(i => i < half ? i + half : i - half).ToArray(), [n], device);
    }

    private void Validate(Tensor z)
    {
        if (z.Rank != 2)
            throw new ArgumentException($"NT-Xent needs embeddings of shape [N, D]; got {Shapes.Format(z.ShapeArray)}.", nameof(z));
        if (z.DType == DType.Int32)
            throw new ArgumentException("NT-Xent needs floating-point embeddings; got Int32.", nameof(z));
        int n = z.Shape[0];
        if (n < 2) throw new ArgumentException($"NT-Xent needs at least 2 rows (an anchor and a negative); got {n}.", nameof(z));
        // One O(N·D) pass that brings back N numbers: catches NaN/∞ anywhere and zero rows when normalizing.
        using var scope = TensorScope.Begin();
        using var noGrad = GradMode.NoGrad();
        var squaredNorms = (z * z).Sum(1).ToDoubleArray();
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(squaredNorms[i]))
                throw new ArgumentException($"NT-Xent: row {i} of the embeddings contains NaN or infinity.", nameof(z));
            if (Normalize && squaredNorms[i] == 0)
                throw new ArgumentException($"NT-Xent: row {i} of the embeddings has zero norm and cannot be normalized.", nameof(z));
        }
    }

    private static void ValidatePositives(Tensor positives, int n, Device device)
    {
        if (positives.DType != DType.Int32 || positives.Rank != 1 || positives.Count != n)
            throw new ArgumentException($"NT-Xent: positives must be an Int32 tensor of shape [{n}]; got {positives.DType} {Shapes.Format(positives.ShapeArray)}.", nameof(positives));
        if (!ReferenceEquals(positives.Device, device))
            throw new ArgumentException($"NT-Xent: positives are on '{positives.Device.Name}' but the embeddings on '{device.Name}'.", nameof(positives));
        var p = positives.ToIntArray();
        for (int i = 0; i < n; i++)
        {
            if (p[i] < 0 || p[i] >= n)
                throw new ArgumentOutOfRangeException(nameof(positives), p[i], $"NT-Xent: positive index {p[i]} of row {i} is outside [0, {n}).");
            if (p[i] == i)
                throw new ArgumentException($"NT-Xent: row {i} is its own positive; self-similarity is excluded from the loss.", nameof(positives));
        }
    }
}
