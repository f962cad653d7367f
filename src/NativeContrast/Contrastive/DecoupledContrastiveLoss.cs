using NativeContrast.Ops;

namespace NativeContrast.Losses;

/// <summary>
/// DCL, the decoupled contrastive loss (Yeh et al. 2022), fused: NT-Xent with the positive taken out of its own
/// denominator, so the gradient no longer shrinks as the positive pair gets easy (the "negative-positive coupling").
/// One set of N rows, positive p(i) (default i ± N/2), mean over rows:
/// L = (1/N) Σ_i [−S_{i,p(i)} + ln Σ_{k ∉ {i, p(i)}} exp S_ik],  S = cosine similarity / τ (dot product without normalize).
/// Backward: ∂L_i/∂S_ik = softmax over the negatives for k ∉ {i, p(i)}, −1 at k = p(i) (the fused passes with the positives
/// out of the log-sum-exp, <see cref="Kernels.ContrastiveShape.ExcludePositives"/>).
/// </summary>
public sealed class DecoupledContrastiveLoss : SoftmaxContrastiveLoss
{
    /// <inheritdoc cref="SoftmaxContrastiveLoss(double, bool)"/>
    public DecoupledContrastiveLoss(double temperature = 0.1, bool normalize = true) : base(temperature, normalize)
    {
    }

    /// <inheritdoc cref="SoftmaxContrastiveLoss(LearnableTemperature, bool)"/>
    public DecoupledContrastiveLoss(LearnableTemperature temperature, bool normalize = true) : base(temperature, normalize)
    {
    }

    /// <inheritdoc/>
    protected override string LossName => "DCL";

    /// <summary>The loss for embeddings <paramref name="z"/> [N, D]; <paramref name="positives"/> is an optional Int32 [N] index of each row's positive.</summary>
    public Tensor Forward(Tensor z, Tensor? positives = null)
    {
        var (rows, p) = PairedRows(z, positives);
        int n = p.Length;
        var temperature = ResolveTemperature(z);
        return SoftmaxContrastiveOp.OneSet(rows, SoftmaxDirections.OnePositive(p, 1.0 / n, z, excludePositives: true), temperature);
    }
}
