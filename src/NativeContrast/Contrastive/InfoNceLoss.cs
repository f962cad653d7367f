using NativeContrast.Ops;

namespace NativeContrast.Losses;

/// <summary>
/// InfoNCE with separate queries q [N, D] and keys k [M, D], M ≥ N: the positive of query i is key
/// p(i) (by default key i), every other key is a negative. Mean over queries:
/// L = (1/N) Σ_i [ln Σ_j exp(q_i·k_j/τ) − q_i·k_p(i)/τ]. Fused like <see cref="NtXentLoss"/>: dQ by a
/// pass over the query rows, dK by a pass over the key rows, no N×M matrix.
/// MoCo: pass the current keys and the queue of past keys; the queue carries no gradient.
/// </summary>
public sealed class InfoNceLoss : SoftmaxContrastiveLoss
{
    /// <inheritdoc cref="SoftmaxContrastiveLoss(double, bool)"/>
    public InfoNceLoss(double temperature = 0.1, bool normalize = true) : base(temperature, normalize)
    {
    }

    /// <inheritdoc cref="SoftmaxContrastiveLoss(LearnableTemperature, bool)"/>
    public InfoNceLoss(LearnableTemperature temperature, bool normalize = true) : base(temperature, normalize)
    {
    }

    /// <inheritdoc/>
    protected override string LossName => "InfoNCE";

    /// <summary>The loss of <paramref name="queries"/> [N, D] against <paramref name="keys"/> [M, D]; <paramref name="positives"/>: optional Int32 [N] key index per query.</summary>
    public Tensor Forward(Tensor queries, Tensor keys, Tensor? positives = null)
    {
        var queryRows = LossInputs.Embeddings(LossName, nameof(queries), queries, Normalize, 1, "at least one query");
        var keyRows = LossInputs.Embeddings(LossName, nameof(keys), keys, Normalize, 2, "a positive and a negative");
        LossInputs.SameWidth(LossName, queries, nameof(queries), keys, nameof(keys));
        int n = queries.ShapeArray[0], m = keys.ShapeArray[0];
        int[] p;
        if (positives is null)
        {
            if (m < n) throw new ArgumentException($"{LossName}: with default positives (query i ↔ key i) there must be at least as many keys as queries; got {n} queries and {m} keys.", nameof(keys));
            p = SoftmaxDirections.Identity(n);
        }
        else
        {
            p = LossInputs.IntVector(LossName, nameof(positives), positives, n, queries.Device);
        }
        LossInputs.PositiveIndices(LossName, p, m, oneSet: false);
        var temperature = ResolveTemperature(queries);
        return SoftmaxContrastiveOp.TwoSets(queryRows, keyRows, SoftmaxDirections.OnePositive(p, 1.0 / n, queries), null, temperature);
    }

    /// <summary>
    /// MoCo: queries [N, D] against the current keys [N, D] (query i ↔ key i) followed by a
    /// <paramref name="queue"/> [K, D] of extra negatives. The queue is detached: it gets no gradient.
    /// </summary>
    public Tensor Forward(Tensor queries, Tensor keys, Tensor queue, Tensor? positives)
    {
        ArgumentNullException.ThrowIfNull(queue);
        LossInputs.SameWidth(LossName, keys, nameof(keys), queue, nameof(queue));
        using var detached = queue.Detach();
        return Forward(queries, Tensor.Concat([keys, detached]), positives);
    }
}
