namespace NativeContrast.Losses;

/// <summary>
/// The reference: the losses written the obvious way from primitive ops, with the full N×N
/// similarity (or distance) matrix materialized. The fused ops must equal these, forward and backward
/// (tests), and must beat them (benchmarks). θ (optional) is a learned ln(1/τ) of shape [1]; otherwise
/// 1/τ is a constant.
/// </summary>
internal static class ComposedLosses
{
    /// <summary>S = a·bᵀ·(1/τ), with a and b L2-normalized first when asked.</summary>
    public static Tensor Logits(Tensor a, Tensor b, double tau, bool normalize, Tensor? theta = null)
    {
        if (normalize)
        {
            a = a.L2NormalizeRows();
            b = ReferenceEquals(a, b) ? a : b.L2NormalizeRows();
        }
        var dots = Tensor.Matmul(a, b, transposeB: true);
        return theta is null ? dots * (1.0 / tau) : dots * theta.Exp();
    }

    public static Tensor DiagonalMask(int n, Device device, DType dtype)
    {
        var mask = new double[n * n];
        for (int i = 0; i < n; i++) mask[i * n + i] = -1e9;
        return Tensor.FromArray(mask, [n, n], device).ToDType(dtype);
    }

    public static Tensor InfoNce(Tensor q, Tensor k, int[] positives, double tau, bool normalize, Tensor? theta = null) =>
        Tensor.CrossEntropy(Logits(q, k, tau, normalize, theta), Tensor.FromArray(positives, [positives.Length], q.Device));

    public static Tensor Clip(Tensor a, Tensor b, double tau, bool normalize, Tensor? theta = null)
    {
        int n = a.Shape[0];
        var identity = Tensor.FromArray(Enumerable.Range(0, n).ToArray(), [n], a.Device);
        var s = Logits(a, b, tau, normalize, theta);
        return (Tensor.CrossEntropy(s, identity) + Tensor.CrossEntropy(s.Transpose(), identity)) * 0.5;
    }

    /// <summary>−(1/|A|) Σ_{i∈A} (1/|P(i)|) Σ_{p∈P(i)} log softmax_{a≠i}(S_i·)_p, A = anchors with a positive.</summary>
    public static Tensor SupCon(Tensor z, int[] labels, double tau, bool normalize, Tensor? theta = null)
    {
        int n = labels.Length;
        var s = Logits(z, z, tau, normalize, theta) + DiagonalMask(n, z.Device, z.DType);
        var logProbability = s.LogSoftmax();
        var weights = new double[n * n];
        int anchors = Enumerable.Range(0, n).Count(i => Enumerable.Range(0, n).Any(j => j != i && labels[j] == labels[i]));
        for (int i = 0; i < n; i++)
        {
            int positives = Enumerable.Range(0, n).Count(j => j != i && labels[j] == labels[i]);
            for (int j = 0; j < n; j++)
                if (j != i && labels[j] == labels[i]) weights[i * n + j] = -1.0 / (positives * anchors);
        }
        return (logProbability * Tensor.FromArray(weights, [n, n], z.Device).ToDType(z.DType)).Sum();
    }

    /// <summary>NT-Xent: S with the diagonal masked, cross-entropy against each row's positive.</summary>
    public static Tensor NtXent(Tensor z, int[] positives, double tau, bool normalize, Tensor? theta = null) =>
        Tensor.CrossEntropy(Logits(z, z, tau, normalize, theta) + DiagonalMask(positives.Length, z.Device, z.DType),
            Tensor.FromArray(positives, [positives.Length], z.Device));

    /// <summary>Batch-hard triplet loss (hinge, Euclidean) from the full distance matrix and label masks.</summary>
    public static Tensor TripletBatchHard(Tensor z, int[] labels, double margin, bool normalize)
    {
        int n = labels.Length;
        var x = normalize ? z.L2NormalizeRows() : z;
        var squaredNorms = (x * x).Sum(1, keepDims: true);
        var squared = squaredNorms + squaredNorms.Reshape(1, n) - Tensor.Matmul(x, x, transposeB: true) * 2.0;
        var dist = squared.Clamp(1e-12, double.PositiveInfinity).Sqrt();
        var positiveMask = new double[n * n];
        var negativeMask = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                positiveMask[i * n + j] = i != j && labels[i] == labels[j] ? 0 : -1e9;
                negativeMask[i * n + j] = labels[i] != labels[j] ? 0 : -1e9;
            }
        var hardestPositive = (dist + Tensor.FromArray(positiveMask, [n, n], z.Device).ToDType(z.DType)).Max(1);
        var hardestNegative = -((-dist) + Tensor.FromArray(negativeMask, [n, n], z.Device).ToDType(z.DType)).Max(1);
        return (hardestPositive - hardestNegative + margin).Relu().Mean();
    }
}
