namespace NativeContrast.Losses;

/// <summary>The settings a loss of the <see cref="LossCatalog"/> is built with; each loss reads those its entry lists.</summary>
public sealed record LossOptions
{
    /// <summary>Softmax temperature τ (softmax losses).</summary>
    public double Temperature { get; init; } = 0.1;

    /// <summary>Hinge margin (triplet).</summary>
    public double Margin { get; init; } = 0.2;

    /// <summary>Which negatives the triplet loss mines.</summary>
    public TripletMining Mining { get; init; } = TripletMining.Hard;

    /// <summary>The triplet loss's distance.</summary>
    public DistanceMetric Distance { get; init; } = DistanceMetric.Euclidean;

    /// <summary>Triplet: ln(1 + eˣ) instead of the hinge.</summary>
    public bool SoftMargin { get; init; }

    /// <summary>The class prior τ⁺ ∈ [0, 1) of the debiased losses (debiased, hcl).</summary>
    public double TauPlus { get; init; } = 0.1;

    /// <summary>HCL's concentration β ≥ 0 on hard negatives.</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>NT-Xent: what happens to same-class negatives (keep; with labels drop or attract; without, drop-top).</summary>
    public FalseNegatives FalseNegatives { get; init; } = FalseNegatives.Keep;

    /// <summary>NT-Xent drop-top: how many of each anchor's most similar negatives leave its denominator (1–32).</summary>
    public int TopK { get; init; } = 8;

    /// <summary>L2-normalize rows inside the loss.</summary>
    public bool Normalize { get; init; } = true;
}
