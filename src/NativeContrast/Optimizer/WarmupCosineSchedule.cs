namespace NativeContrast.Optim;

/// <summary>
/// Linear warm-up from 0 to the base rate over the first <c>warmupSteps</c>, then cosine decay to
/// <c>minRate</c> at <c>totalSteps</c> (SimCLR's schedule): lr(t) = base·(t + 1)/warmup for t &lt; warmup, else
/// min + ½(base − min)(1 + cos(π·(t − warmup)/(total − warmup))).
/// </summary>
public sealed class WarmupCosineSchedule
{
    /// <summary>Linear warm-up from 0 to <paramref name="baseRate"/> over <paramref name="warmupSteps"/>, then cosine decay to <paramref name="minRate"/> at <paramref name="totalSteps"/>.</summary>
    public WarmupCosineSchedule(double baseRate, int warmupSteps, int totalSteps, double minRate = 0)
    {
        if (!(baseRate >= 0)) throw new ArgumentOutOfRangeException(nameof(baseRate), baseRate, "The base rate must be ≥ 0.");
        if (warmupSteps < 0 || totalSteps < 1 || warmupSteps > totalSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), $"Need 0 ≤ warm-up ≤ total and total ≥ 1; got warm-up {warmupSteps}, total {totalSteps}.");
        BaseRate = baseRate;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        MinRate = minRate;
    }

    /// <summary>The rate at the end of the warm-up.</summary>
    public double BaseRate { get; }

    /// <summary>Steps of linear warm-up.</summary>
    public int WarmupSteps { get; }

    /// <summary>Steps of the whole schedule.</summary>
    public int TotalSteps { get; }

    /// <summary>The rate at the last step.</summary>
    public double MinRate { get; }

    /// <summary>The rate for step <paramref name="step"/> (0-based).</summary>
    public double At(int step)
    {
        if (step < WarmupSteps) return BaseRate * (step + 1) / WarmupSteps;
        if (TotalSteps == WarmupSteps) return BaseRate;
        double progress = Math.Clamp((double)(step - WarmupSteps) / (TotalSteps - WarmupSteps), 0, 1);
        return MinRate + 0.5 * (BaseRate - MinRate) * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>Sets the optimizer's rate for <paramref name="step"/>.</summary>
    public void Apply(Optimizer optimizer, int step) => optimizer.LearningRate = At(step);
}
