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

    /// <summary>
    /// NT-Xent with labels y (−1 unknown) from the definitions: same(i, k) = k ∉ {i, p(i)} and y_k = y_i ≥ 0.
    /// Drop: cross-entropy against p(i) over the logits with the diagonal and same(i, ·) masked. Attract: −(1/|P_i|)
    /// Σ_{q∈P_i} log softmax_{k≠i}(S_i·)_q, P_i = {p(i)} ∪ same(i, ·), mean over rows.
    /// </summary>
    public static Tensor NtXentFalseNegatives(Tensor z, int[] positives, int[] labels, FalseNegatives handling, double tau, bool normalize, Tensor? theta = null)
    {
        int n = positives.Length;
        bool Same(int i, int k) => k != i && k != positives[i] && labels[i] >= 0 && labels[k] == labels[i];
        var s = Logits(z, z, tau, normalize, theta);
        if (handling == FalseNegatives.Drop)
        {
            var mask = new double[n * n];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < n; k++)
                    mask[i * n + k] = k == i || Same(i, k) ? -1e9 : 0;
            return Tensor.CrossEntropy(s + Tensor.FromArray(mask, [n, n], z.Device).ToDType(z.DType), Tensor.FromArray(positives, [n], z.Device));
        }
        var logProbability = (s + DiagonalMask(n, z.Device, z.DType)).LogSoftmax();
        var weights = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            var set = Enumerable.Range(0, n).Where(k => k == positives[i] || Same(i, k)).ToList();
            foreach (var k in set) weights[i * n + k] = -1.0 / (set.Count * n);
        }
        return (logProbability * Tensor.FromArray(weights, [n, n], z.Device).ToDType(z.DType)).Sum();
    }

    /// <summary>
    /// NT-Xent drop-top from the definition: the full matrix S read back, each row's K negatives k ∉ {i, p(i)} with the
    /// largest S_ik masked along with the diagonal, cross-entropy against p(i). The selection is a constant of the graph.
    /// </summary>
    public static Tensor NtXentDropTop(Tensor z, int[] positives, int topK, double tau, bool normalize, Tensor? theta = null)
    {
        int n = positives.Length;
        var s = Logits(z, z, tau, normalize, theta);
        var values = s.Detach().ToDoubleArray();
        var mask = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            mask[i * n + i] = -1e9;
            var top = Enumerable.Range(0, n).Where(k => k != i && k != positives[i]).OrderByDescending(k => values[i * n + k]).Take(topK);
            foreach (var k in top) mask[i * n + k] = -1e9;
        }
        return Tensor.CrossEntropy(s + Tensor.FromArray(mask, [n, n], z.Device).ToDType(z.DType), Tensor.FromArray(positives, [n], z.Device));
    }

    /// <summary>DCL: −S_ip + ln Σ_{k ∉ {i, p(i)}} exp S_ik from the full matrix, mean over rows.</summary>
    public static Tensor Dcl(Tensor z, int[] positives, double tau, bool normalize, Tensor? theta = null)
    {
        int n = positives.Length;
        var s = Logits(z, z, tau, normalize, theta);
        var logNegatives = (s.Exp() * NegativeMask(positives, z)).Sum(1).Log();
        var positive = (s * PositiveMask(positives, z)).Sum(1);
        return (logNegatives - positive).Mean();
    }

    /// <summary>
    /// Debiased (β = 0) and HCL: with pos = exp S_ip, imp = exp βS on the negatives, R = Σ imp·exp S / ((1/M) Σ imp),
    /// Ng = max((R − τ⁺M·pos)/(1 − τ⁺), M e^(−1/τ)) (as relu(x − floor) + floor), L = mean −ln(pos/(pos + Ng)).
    /// </summary>
    public static Tensor Debiased(Tensor z, int[] positives, double tau, double tauPlus, double beta, bool normalize, Tensor? theta = null)
    {
        int n = positives.Length, m = n - 2;
        var s = Logits(z, z, tau, normalize, theta);
        var negatives = NegativeMask(positives, z);
        var pos = (s * PositiveMask(positives, z)).Sum(1).Exp();
        var neg = s.Exp() * negatives;
        var imp = (s * beta).Exp() * negatives;
        var reweighted = (imp * neg).Sum(1) / (imp.Sum(1) / m);
        var ng = (reweighted - pos * (tauPlus * m)) / (1 - tauPlus);
        var floor = theta is null ? Tensor.Scalar(m * Math.Exp(-1 / tau), z.Device, z.DType) : (-theta.Exp()).Exp() * m;
        ng = (ng - floor).Relu() + floor;
        return (-(pos / (pos + ng)).Log()).Mean();
    }

    /// <summary>1 at (i, p(i)), 0 elsewhere.</summary>
    private static Tensor PositiveMask(int[] positives, Tensor like)
    {
        int n = positives.Length;
        var mask = new double[n * n];
        for (int i = 0; i < n; i++) mask[i * n + positives[i]] = 1;
        return Tensor.FromArray(mask, [n, n], like.Device).ToDType(like.DType);
    }

    /// <summary>1 at (i, k) for the negatives k ∉ {i, p(i)}, 0 elsewhere.</summary>
    private static Tensor NegativeMask(int[] positives, Tensor like)
    {
        int n = positives.Length;
        var mask = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
                mask[i * n + k] = k == i || k == positives[i] ? 0 : 1;
        return Tensor.FromArray(mask, [n, n], like.Device).ToDType(like.DType);
    }

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
