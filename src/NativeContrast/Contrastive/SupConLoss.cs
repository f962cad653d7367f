using NativeContrast.Ops;

namespace NativeContrast.Losses;

/// <summary>
/// Supervised contrastive loss (Khosla et al. 2020, the L_out form): the positives of row i are all
/// other rows with its label, P(i); the loss is the mean over anchors that have a positive of
/// −(1/|P(i)|) Σ_{p∈P(i)} ln softmax_{a≠i}(z_i·z_a/τ)_p
///  = LSE_i − (1/|P(i)|) Σ_{p∈P(i)} z_i·z_p/τ, with no extra temperature-ratio factor.
/// Anchors with no positive are left out of the mean (and never produce NaN).
/// </summary>
public sealed class SupConLoss : SoftmaxContrastiveLoss
{
    /// <inheritdoc cref="SoftmaxContrastiveLoss(double, bool)"/>
    public SupConLoss(double temperature = 0.1, bool normalize = true) : base(temperature, normalize)
    {
    }

    /// <inheritdoc cref="SoftmaxContrastiveLoss(LearnableTemperature, bool)"/>
    public SupConLoss(LearnableTemperature temperature, bool normalize = true) : base(temperature, normalize)
    {
    }

    /// <inheritdoc/>
    protected override string LossName => "SupCon";

    /// <summary>The loss for embeddings <paramref name="z"/> [N, D] (all views stacked) with Int32 <paramref name="labels"/> [N].</summary>
    public Tensor Forward(Tensor z, Tensor labels)
    {
        var rows = LossInputs.Embeddings(LossName, "embeddings", z, Normalize, 2, "an anchor and another row");
        int n = z.ShapeArray[0];
        var y = LossInputs.IntVector(LossName, nameof(labels), labels, n, z.Device);
        var counts = new Dictionary<int, int>();
        foreach (var label in y) counts[label] = counts.GetValueOrDefault(label) + 1;
        if (counts.Count == 1)
            throw new ArgumentException($"{LossName}: all {n} rows have label {y[0]}, so no anchor has a negative.", nameof(labels));
        int anchors = y.Count(label => counts[label] > 1);
        if (anchors == 0)
            throw new ArgumentException($"{LossName}: every label appears once, so no anchor has a positive; a batch needs at least two rows (e.g. two views) per label.", nameof(labels));
        var positiveWeight = y.Select(label => counts[label] > 1 ? 1.0 / (counts[label] - 1) : 0.0).ToArray();
        var lossWeight = y.Select(label => counts[label] > 1 ? 1.0 / anchors : 0.0).ToArray();
        var temperature = ResolveTemperature(z);
        return SoftmaxContrastiveOp.OneSet(rows, SoftmaxDirections.ByLabel(y, positiveWeight, lossWeight, z), temperature);
    }
}
