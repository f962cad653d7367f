namespace NativeContrast.Optim;

/// <summary>
/// LARS as SimCLR uses it (You et al. 2017; SimCLR's reference implementation): for an adapted
/// parameter, d = g + λ·p and the layer-wise trust ratio t = η·‖p‖/‖d‖ (1 when either norm is 0);
/// v ← μ·v + lr·t·d; p ← p − v. Excluded parameters — by default every 1-D one, i.e. biases and
/// normalization scales and shifts — get neither weight decay nor adaptation: v ← μ·v + lr·g.
/// </summary>
public sealed class Lars : Optimizer
{
    private readonly Func<string, Tensor, bool> exclude;

    /// <summary>LARS over <paramref name="parameters"/> (You et al. 2017); biases and batch-norm parameters are excluded from the trust ratio and weight decay, as in SimCLR.</summary>
    public Lars(IEnumerable<(string Name, Tensor Parameter)> parameters, double learningRate, double momentum = 0.9, double weightDecay = 1e-6,
        double trustCoefficient = 0.001, Func<string, Tensor, bool>? exclude = null) : base(parameters, learningRate)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "LARS momentum must be in [0, 1).");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be ≥ 0.");
        if (!(trustCoefficient > 0)) throw new ArgumentOutOfRangeException(nameof(trustCoefficient), trustCoefficient, "The trust coefficient η must be > 0.");
        Momentum = momentum;
        WeightDecay = weightDecay;
        TrustCoefficient = trustCoefficient;
        this.exclude = exclude ?? ((_, p) => p.Rank <= 1);
    }

    /// <summary>Momentum of the update.</summary>
    public double Momentum { get; }

    /// <summary>Weight decay λ added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>The trust coefficient η of the layer-wise rate η·‖p‖ / ‖g + λp‖.</summary>
    public double TrustCoefficient { get; }

    /// <summary>Whether a parameter is left out of weight decay and trust-ratio adaptation.</summary>
    public bool IsExcluded(string name, Tensor parameter) => exclude(name, parameter);

    /// <inheritdoc/>
    protected override void Update(int index, string name, Tensor p, Tensor grad)
    {
        Tensor step;
        if (IsExcluded(name, p))
        {
            step = grad * LearningRate;
        }
        else
        {
            // The factor lr·t is computed on the parameter's device (a one-element tensor): reading the norms back to the host
            // would wait for the device twice per parameter and step.
            var d = WeightDecay != 0 ? grad + p * WeightDecay : grad;
            var weightSquares = (p * p).Sum();
            var updateSquares = (d * d).Sum();
            var scale = Tensor.Empty([], p.Device, p.DType);
            p.Backend.TrustRatioScale(weightSquares.Data, updateSquares.Data, scale.Data, LearningRate, TrustCoefficient);
            step = d * scale;
        }
        var velocity = Slot(index, "momentum");
        velocity.CopyFrom(velocity * Momentum + step);
        p.CopyFrom(p - velocity);
    }
}
