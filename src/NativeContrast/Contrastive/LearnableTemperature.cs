using NativeContrast.Ops;

namespace NativeContrast.Losses;

/// <summary>
/// A learned temperature, parametrized as θ = ln(1/τ) (CLIP's logit scale) so that τ stays positive,
/// with 1/τ = exp(min(θ, ln 100)): clamped at 1/τ ≤ <see cref="MaxInverseTemperature"/>, since an
/// unclamped scale diverges. Hand <see cref="LogInverseTemperature"/> to the optimizer with the model's
/// parameters. Its gradient is 0 while the clamp holds.
/// </summary>
public sealed class LearnableTemperature : IDisposable
{
    /// <summary>The largest 1/τ allowed (τ ≥ 0.01), as in CLIP.</summary>
    public const double MaxInverseTemperature = 100.0;

    /// <param name="initialTemperature">τ at the start; CLIP starts at 0.07. Must be at least 1/<see cref="MaxInverseTemperature"/>.</param>
    /// <param name="device">Where θ lives: the embeddings' device.</param>
    /// <param name="dtype">θ's dtype: the embeddings' dtype.</param>
    public LearnableTemperature(double initialTemperature = 0.07, Device? device = null, DType dtype = DType.Float32)
    {
        if (!(initialTemperature >= 1.0 / MaxInverseTemperature) || double.IsInfinity(initialTemperature))
            throw new ArgumentOutOfRangeException(nameof(initialTemperature), initialTemperature,
                $"The initial temperature must be a finite number of at least {1.0 / MaxInverseTemperature} (1/τ ≤ {MaxInverseTemperature}).");
        if (dtype == DType.Int32) throw new ArgumentException("A temperature needs a floating-point dtype; got Int32.", nameof(dtype));
        using var scope = TensorScope.Begin();
        double theta = Math.Log(1.0 / initialTemperature);
        var initial = dtype == DType.Float64
            ? Tensor.FromArray([theta], [1], device ?? Device.Cpu)
            : Tensor.FromArray([(float)theta], [1], device ?? Device.Cpu);
        LogInverseTemperature = initial.CloneUnscoped();
        LogInverseTemperature.RequiresGrad = true;
    }

    private LearnableTemperature(Tensor logInverseTemperature) => LogInverseTemperature = logInverseTemperature;

    /// <summary>
    /// Wraps an existing θ = ln(1/τ) tensor of shape [1] (from a checkpoint, or a tensor a test perturbs).
    /// The tensor stays the caller's; disposing the wrapper disposes it.
    /// </summary>
    public static LearnableTemperature FromLogInverseTemperature(Tensor logInverseTemperature)
    {
        ArgumentNullException.ThrowIfNull(logInverseTemperature);
        if (logInverseTemperature.Count != 1 || logInverseTemperature.Rank != 1 || logInverseTemperature.DType == DType.Int32)
            throw new ArgumentException($"A log inverse temperature must be a floating-point tensor of shape [1]; got {logInverseTemperature.DType} {Shapes.Format(logInverseTemperature.ShapeArray)}.", nameof(logInverseTemperature));
        return new LearnableTemperature(logInverseTemperature);
    }

    /// <summary>θ = ln(1/τ), shape [1]: the trainable parameter.</summary>
    public Tensor LogInverseTemperature { get; }

    /// <summary>1/τ as the losses use it: exp(θ), clamped at <see cref="MaxInverseTemperature"/>.</summary>
    public double InverseTemperature => Math.Min(Math.Exp(LogInverseTemperature.Item()), MaxInverseTemperature);

    /// <summary>The current τ.</summary>
    public double Temperature => 1.0 / InverseTemperature;

    internal ContrastiveTemperature Resolve(Tensor embeddings, string loss)
    {
        if (!ReferenceEquals(embeddings.Device, LogInverseTemperature.Device) || embeddings.DType != LogInverseTemperature.DType)
            throw new ArgumentException(
                $"{loss}: the learnable temperature is a {LogInverseTemperature.DType} tensor on '{LogInverseTemperature.Device.Name}' but the embeddings are {embeddings.DType} on '{embeddings.Device.Name}'; create it with the embeddings' device and dtype.");
        double theta = LogInverseTemperature.Item();
        if (!double.IsFinite(theta))
            throw new InvalidOperationException($"{loss}: the learnable temperature's log-scale θ is {theta}; training has diverged.");
        bool clamped = theta >= Math.Log(MaxInverseTemperature);
        return new ContrastiveTemperature(clamped ? MaxInverseTemperature : Math.Exp(theta), LogInverseTemperature, clamped);
    }

    /// <inheritdoc/>
    public void Dispose() => LogInverseTemperature.Dispose();
}
