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

    /// <summary>NT-Xent with labels: what happens to same-class negatives (keep, drop, attract).</summary>
    public FalseNegatives FalseNegatives { get; init; } = FalseNegatives.Keep;

    /// <summary>L2-normalize rows inside the loss.</summary>
    public bool Normalize { get; init; } = true;
}
