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

    /// <inheritdoc/>
    protected override string LossName => "NT-Xent";

    /// <summary>The loss for embeddings <paramref name="z"/> [N, D]; <paramref name="positives"/> is an optional Int32 [N] index of each row's positive.</summary>
    public Tensor Forward(Tensor z, Tensor? positives = null)
    {
        var (rows, p) = PairedRows(z, positives);
        int n = p.Length;
        var temperature = ResolveTemperature(z);
        return SoftmaxContrastiveOp.OneSet(rows, SoftmaxDirections.OnePositive(p, 1.0 / n, z), temperature);
    }

    /// <summary>
    /// The loss with some labels known (Int32 [N], −1 = unknown), whose same-class negatives are handled as
    /// <paramref name="handling"/> says (see <see cref="FalseNegatives"/>). Rows i and p(i) are two views of one image:
    /// positives must pair rows both ways (p(p(i)) = i) and the two rows of a pair must carry the same label.
    /// Attract is SupCon over keys (the label where known, else one key per pair), fused as SupCon is. Drop is
    /// L_i = −ln softmax([S_ip, LSE_i])_0 with LSE_i over the rows of other keys, a fused per-row log-sum-exp
    /// (<see cref="RowLogSumExpOp"/>); S_ip comes from the (normalized) rows and their partners, O(N·D).
    /// </summary>
    public Tensor Forward(Tensor z, Tensor? positives, Tensor labels, FalseNegatives handling)
    {
        if (handling == FalseNegatives.Keep) return Forward(z, positives);
        if (!Enum.IsDefined(handling)) throw new ArgumentOutOfRangeException(nameof(handling), handling, "Unknown false-negative handling.");
        if (handling == FalseNegatives.DropTop)
            throw new ArgumentException($"{LossName} drop-top reads no labels: call ForwardDropTop(z, positives, topK).", nameof(handling));
        var (rows, p) = PairedRows(z, positives);
        int n = p.Length;
        var y = LossInputs.IntVector(LossName, nameof(labels), labels, n, z.Device);
        var keys = PairKeys(p, y);
        var temperature = ResolveTemperature(z);
        if (handling == FalseNegatives.Attract)
        {
            var counts = new Dictionary<int, int>();
            foreach (var key in keys) counts[key] = counts.GetValueOrDefault(key) + 1;
            var positiveWeight = keys.Select(key => 1.0 / (counts[key] - 1)).ToArray();
            return SoftmaxContrastiveOp.OneSet(rows, SoftmaxDirections.ByLabel(keys, positiveWeight, Enumerable.Repeat(1.0 / n, n).ToArray(), z), temperature);
        }
        var others = SoftmaxDirections.ByLabel(keys, new double[n], new double[n], z) with { ExcludePositives = true };
        return AgainstKeptNegatives(z, rows, p, others, temperature);
    }

    /// <summary>
    /// Drop-top: each anchor's <paramref name="topK"/> most similar negatives leave its denominator, the likeliest false
    /// negatives, found without labels: L_i = −ln(e^S_ip / (e^S_ip + Σ_{k ∉ {i, p(i)} ∪ T_i} e^S_ik)), T_i = the K negatives
    /// k ∉ {i, p(i)} with the largest S_ik. A first fused pass keeps each row's K + 1 largest negative logits (O(N·K), never
    /// the N×N matrix) and puts the row's threshold midway between the K-th and the (K+1)-th; the log-sum-exp pass then
    /// leaves out the negatives above it, and gives each row's positive logit beside its log-sum-exp (O(N) memory in all,
    /// <see cref="TopNegativesDroppedOp"/>). The selection is held fixed: no gradient flows through which negatives were
    /// dropped, only through the logits kept. Ties with the (K+1)-th stay in.
    /// </summary>
    /// <param name="z">Embeddings [N, D].</param>
    /// <param name="positives">Optional Int32 [N] index of each row's positive (default i ± N/2).</param>
    /// <param name="topK">K, 1 ≤ K ≤ 32 and K &lt; N − 2 (the negatives per anchor).</param>
    /// <returns>The loss, and Int32 [N, K]: the indices of each row's dropped negatives, most similar first (−1 for a tie that stayed).</returns>
    public (Tensor Loss, Tensor Dropped) ForwardDropTop(Tensor z, Tensor? positives = null, int topK = 8)
    {
        if (topK < 1 || topK > MaxTopK)
            throw new ArgumentOutOfRangeException(nameof(topK), topK, $"{LossName} drop-top's K must be between 1 and {MaxTopK}.");
        var (rows, p) = PairedRows(z, positives);
        int n = p.Length, d = z.ShapeArray[1];
        if (topK >= n - 2)
            throw new ArgumentException($"{LossName} drop-top needs K below the {n - 2} negatives each of the {n} rows has; got K = {topK}.", nameof(topK));
        var temperature = ResolveTemperature(z);
        var threshold = Tensor.Empty([n], z.Device, z.DType);
        var dropped = Tensor.Empty([n, topK], z.Device, DType.Int32);
        using (var positiveIndex = Tensor.FromArray(p, [n], z.Device))
            z.Backend.ContrastiveTopNegatives(rows.View, positiveIndex.Data, threshold.Data, dropped.Data, n, d, temperature.InverseTemperature, topK);
        return (TopNegativesDroppedOp.Forward(rows, p, threshold, temperature), dropped);
    }

    /// <summary>The most negatives drop-top leaves out per anchor.</summary>
    public const int MaxTopK = Kernels.ContrastiveKernels.MaxTopNegatives;

    /// <summary>
    /// L = mean_i −ln softmax([S_ip, LSE_i])_0 with LSE_i over the negatives <paramref name="others"/> keeps (positives out): a
    /// fused per-row log-sum-exp (<see cref="RowLogSumExpOp"/>); S_ip comes from the (normalized) rows and their partners, O(N·D).
    /// </summary>
    private Tensor AgainstKeptNegatives(Tensor z, Ops.KernelRows rows, int[] p, SoftmaxDirection others, ContrastiveTemperature temperature)
    {
        int n = p.Length;
        var lse = RowLogSumExpOp.Forward(rows, others, temperature);
        var unit = Normalize ? z.L2NormalizeRows() : z;
        var dots = (unit * unit.Gather(0, Tensor.FromArray(p, [n], z.Device))).Sum(1);
        var positiveLogit = temperature.LogScale is { } theta && !temperature.Clamped ? dots * theta.Exp() : dots * temperature.InverseTemperature;
        var logits = Tensor.Concat([positiveLogit.Reshape(n, 1), lse.Reshape(n, 1)], 1);
        return Tensor.CrossEntropy(logits, Tensor.FromArray(new int[n], [n], z.Device));
    }

    /// <summary>One key per row: its label where known (≥ 0), else −1 − (the pair's lower row), so that rows share a key exactly when they are a pair or of one known class.</summary>
    private int[] PairKeys(int[] p, int[] y)
    {
        var keys = new int[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            int j = p[i];
            if (p[j] != i)
                throw new ArgumentException($"{LossName} with false-negative handling needs positives that pair rows both ways (two views of one image): p({i}) = {j} but p({j}) = {p[j]}.");
            if (y[i] < -1) throw new ArgumentException($"{LossName}: label {y[i]} of row {i} is neither a class (≥ 0) nor unknown (−1).");
            if (y[i] != y[j])
                throw new ArgumentException($"{LossName} with false-negative handling: rows {i} and {j} are a positive pair (two views of one image) but carry labels {y[i]} and {y[j]}.");
            keys[i] = y[i] >= 0 ? y[i] : -1 - Math.Min(i, j);
        }
        return keys;
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
