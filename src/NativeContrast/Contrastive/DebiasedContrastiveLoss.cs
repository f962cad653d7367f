using NativeContrast.Ops;

namespace NativeContrast.Losses;

/// <summary>
/// The debiased contrastive loss (Chuang et al. 2020) and, with β &gt; 0, its hard-negative form HCL (Robinson et al. 2021), fused
/// with O(N) memory. In self-supervised batches some "negatives" share the anchor's class (about 10% with Fashion-MNIST's 10
/// classes); τ⁺ is that prior, and the loss subtracts its expected share from the negatives' sum. HCL also reweights negatives
/// by imp = exp(β·S), so harder (more similar) negatives count more. One set of N rows, positive p(i) (default i ± N/2),
/// M = N − 2 negatives, S = cosine similarity / τ, pos_i = exp S_ip, sums over k ∉ {i, p(i)}:
/// <code>
/// R_i  = Σ imp_ik exp S_ik / ((1/M) Σ imp_ik)        (β = 0: R_i = Σ exp S_ik)
/// Ng_i = max((R_i − τ⁺·M·pos_i)/(1 − τ⁺), M·e^(−1/τ))
/// L    = (1/N) Σ_i −ln(pos_i / (pos_i + Ng_i))
/// </code>
/// The max is a clamp: where Ng_i sits at its floor the negatives get no gradient (the floor side is constant). τ⁺ = 0 and
/// β = 0 is NT-Xent with the positive out of the denominator's negative sum, i.e. NT-Xent itself.
/// </summary>
public sealed class DebiasedContrastiveLoss : SoftmaxContrastiveLoss
{
    /// <param name="tauPlus">τ⁺ ∈ [0, 1): the class prior, the expected share of same-class rows among the negatives.</param>
    /// <param name="beta">β ≥ 0: HCL's concentration on hard negatives; 0 is the debiased loss.</param>
    /// <param name="temperature">τ &gt; 0.</param>
    /// <param name="normalize">L2-normalize rows inside the loss; false takes them as given.</param>
    public DebiasedContrastiveLoss(double tauPlus = 0.1, double beta = 0.0, double temperature = 0.1, bool normalize = true) : base(temperature, normalize)
    {
        (TauPlus, Beta) = Check(tauPlus, beta);
    }

    /// <param name="tauPlus">τ⁺ ∈ [0, 1): the class prior.</param>
    /// <param name="beta">β ≥ 0: HCL's concentration; 0 is the debiased loss.</param>
    /// <param name="temperature">A learned temperature (its θ gets a gradient from every forward of this loss).</param>
    /// <param name="normalize">L2-normalize rows inside the loss; false takes them as given.</param>
    public DebiasedContrastiveLoss(double tauPlus, double beta, LearnableTemperature temperature, bool normalize = true) : base(temperature, normalize)
    {
        (TauPlus, Beta) = Check(tauPlus, beta);
    }

    /// <summary>τ⁺, the class prior.</summary>
    public double TauPlus { get; }

    /// <summary>β, HCL's concentration (0: debiased).</summary>
    public double Beta { get; }

    /// <inheritdoc/>
    protected override string LossName => Beta > 0 ? "HCL" : "debiased";

    /// <summary>The loss for embeddings <paramref name="z"/> [N, D]; <paramref name="positives"/> is an optional Int32 [N] index of each row's positive.</summary>
    public Tensor Forward(Tensor z, Tensor? positives = null)
    {
        var (rows, p) = PairedRows(z, positives);
        return DebiasedContrastiveOp.Forward(rows, p, TauPlus, Beta, ResolveTemperature(z));
    }

    private static (double TauPlus, double Beta) Check(double tauPlus, double beta)
    {
        if (!(tauPlus >= 0 && tauPlus < 1))
            throw new ArgumentOutOfRangeException(nameof(tauPlus), tauPlus, "The class prior τ⁺ must be in [0, 1).");
        if (!(beta >= 0) || double.IsInfinity(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "The concentration β must be a finite number ≥ 0.");
        return (tauPlus, beta);
    }
}
