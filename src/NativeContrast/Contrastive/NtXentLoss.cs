using NativeContrast.Ops;

namespace NativeContrast.Losses;

/// <summary>
/// NT-Xent (SimCLR's normalized temperature-scaled cross-entropy), fused: forward streams column tiles
/// with an online log-sum-exp and backward recomputes them, so memory stays O(N) instead of O(N²).
/// Rows i and p(i) are the two views of one image; by default p(i) = i ± N/2 (the two halves of the
/// batch are the two views). Self-similarity is excluded from every denominator. Mean over rows:
/// L = (1/N) Σ_i [ln Σ_{j≠i} exp(z_i·z_j/τ) − z_i·z_p(i)/τ].
/// </summary>
public sealed class NtXentLoss : SoftmaxContrastiveLoss
{
    /// <inheritdoc cref="SoftmaxContrastiveLoss(double, bool)"/>
    public NtXentLoss(double temperature = 0.1, bool normalize = true) : base(temperature, normalize)
    {
    }

    /// <inheritdoc cref="SoftmaxContrastiveLoss(LearnableTemperature, bool)"/>
    public NtXentLoss(LearnableTemperature temperature, bool normalize = true) : base(temperature, normalize)
    {
    }

    protected override string LossName => "NT-Xent";

    /// <summary>The loss for embeddings <paramref name="z"/> [N, D]; <paramref name="positives"/> is an optional Int32 [N] index of each row's positive.</summary>
    public Tensor Forward(Tensor z, Tensor? positives = null)
    {
        var rows = LossInputs.Embeddings(LossName, "embeddings", z, Normalize, 3, "an anchor, its positive and a negative");
        int n = z.ShapeArray[0];
        var p = positives is null ? DefaultPositiveIndex(n) : LossInputs.IntVector(LossName, nameof(positives), positives, n, z.Device);
        LossInputs.PositiveIndices(LossName, p, n, oneSet: true);
        var temperature = ResolveTemperature(z);
        return SoftmaxContrastiveOp.OneSet(rows, SoftmaxDirections.OnePositive(p, 1.0 / n, z), temperature);
    }

    /// <summary>p(i) = i + N/2 for the first half, i − N/2 for the second, as an Int32 tensor.</summary>
    public static Tensor DefaultPositives(int n, Device device) => Tensor.FromArray(DefaultPositiveIndex(n), [n], device);

    internal static int[] DefaultPositiveIndex(int n)
    {
        if (n % 2 != 0)
            throw new ArgumentException($"NT-Xent with default positives needs an even number of rows (two views per image); got {n}. Pass explicit positives otherwise.", nameof(n));
        int half = n / 2;
        return Enumerable.Range(0, n).Select(i => i < half ? i + half : i - half).ToArray();
    }
}
