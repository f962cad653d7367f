namespace NativeContrast.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter): p ← p − lr·λ·p (decoupled weight decay), then
/// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← p − lr·m̂/(√v̂ + ε) with m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).
/// </summary>
public sealed class AdamW : Optimizer
{
    /// <summary>AdamW over <paramref name="parameters"/> (Loshchilov and Hutter 2019).</summary>
    public AdamW(IEnumerable<(string Name, Tensor Parameter)> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0.01) : base(parameters, learningRate)
    {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), $"AdamW betas must be in [0, 1); got {beta1}, {beta2}.");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "AdamW eps must be > 0.");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be ≥ 0.");
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
    }

    /// <summary>Decay of the first-moment estimate.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second-moment estimate.</summary>
    public double Beta2 { get; }

    /// <summary>ε added to the root of the second moment.</summary>
    public double Eps { get; }

    /// <summary>Decoupled weight decay λ: p ← p − lr·λ·p each step.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc/>
    protected override void Update(int index, string name, Tensor p, Tensor grad)
    {
        var m = Slot(index, "exp_avg");
        var v = Slot(index, "exp_avg_sq");
        m.CopyFrom(m * Beta1 + grad * (1 - Beta1));
        v.CopyFrom(v * Beta2 + grad * grad * (1 - Beta2));
        double correction1 = 1 - Math.Pow(Beta1, StepCount), correction2 = 1 - Math.Pow(Beta2, StepCount);
        var decayed = WeightDecay != 0 ? p * (1 - LearningRate * WeightDecay) : p;
        var denominator = (v * (1 / correction2)).Sqrt() + Eps;
        p.CopyFrom(decayed - m * (LearningRate / correction1) / denominator);
    }
}
