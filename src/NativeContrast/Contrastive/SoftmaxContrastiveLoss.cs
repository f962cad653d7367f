using NativeContrast.Ops;

namespace NativeContrast.Losses;

/// <summary>
/// What the softmax-contrastive losses (<see cref="NtXentLoss"/>, <see cref="InfoNceLoss"/>,
/// <see cref="ClipLoss"/>, <see cref="SupConLoss"/>) share: a fixed or learned temperature and whether
/// rows are L2-normalized inside the loss (cosine similarity) or taken as given.
/// </summary>
public abstract class SoftmaxContrastiveLoss
{
    private readonly double fixedTemperature;

    /// <param name="temperature">τ &gt; 0; SimCLR uses 0.1–0.5, SupCon 0.1, MoCo 0.07–0.2.</param>
    /// <param name="normalize">L2-normalize rows inside the loss; false takes them as given.</param>
    protected SoftmaxContrastiveLoss(double temperature, bool normalize)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature τ must be a finite number greater than 0.");
        fixedTemperature = temperature;
        Normalize = normalize;
    }

    /// <param name="temperature">A learned temperature (its θ gets a gradient from every forward of this loss).</param>
    /// <param name="normalize">L2-normalize rows inside the loss; false takes them as given.</param>
    protected SoftmaxContrastiveLoss(LearnableTemperature temperature, bool normalize)
    {
        LearnedTemperature = temperature ?? throw new ArgumentNullException(nameof(temperature));
        Normalize = normalize;
    }

    /// <summary>τ now (the learned one's current value when learned).</summary>
    public double Temperature => LearnedTemperature?.Temperature ?? fixedTemperature;

    /// <summary>The learned temperature, when τ is learned; null for a fixed τ.</summary>
    public LearnableTemperature? LearnedTemperature { get; }

    /// <summary>Whether rows are L2-normalized first (cosine similarity) rather than compared by dot product.</summary>
    public bool Normalize { get; }

    /// <summary>Name for error messages.</summary>
    protected abstract string LossName { get; }

    /// <summary>
    /// The checks and inputs of the one-set losses with one positive per row (NT-Xent, DCL, debiased, HCL): the rows as the
    /// kernels read them and each row's positive index (given, or i ± N/2).
    /// </summary>
    private protected (Ops.KernelRows Rows, int[] Positives) PairedRows(Tensor z, Tensor? positives)
    {
        var rows = LossInputs.Embeddings(LossName, "embeddings", z, Normalize, 3, "an anchor, its positive and a negative");
        int n = z.ShapeArray[0];
        var p = positives is null ? NtXentLoss.DefaultPositiveIndex(n) : LossInputs.IntVector(LossName, nameof(positives), positives, n, z.Device);
        LossInputs.PositiveIndices(LossName, p, n, oneSet: true);
        return (rows, p);
    }

    private protected ContrastiveTemperature ResolveTemperature(Tensor embeddings) =>
        LearnedTemperature?.Resolve(embeddings, LossName) ?? ContrastiveTemperature.Fixed(fixedTemperature);
}
