namespace NativeContrast.Optim;

/// <summary>
/// Stochastic gradient descent as PyTorch defines it: d = g + λ·p; with momentum μ, b ← μ·b + d (b = d
/// on the first step) and d = b, or d = d + μ·b with Nesterov; p ← p − lr·d.
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>SGD over <paramref name="parameters"/>, with optional (Nesterov) momentum and weight decay.</summary>
    public Sgd(IEnumerable<(string Name, Tensor Parameter)> parameters, double learningRate, double momentum = 0, bool nesterov = false, double weightDecay = 0)
        : base(parameters, learningRate)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "SGD momentum must be in [0, 1).");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be ≥ 0.");
        if (nesterov && momentum == 0) throw new ArgumentException("Nesterov momentum needs momentum > 0.", nameof(nesterov));
        Momentum = momentum;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
    }

    /// <summary>Momentum μ (0: plain SGD).</summary>
    public double Momentum { get; }

    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <summary>Weight decay λ added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc/>
    protected override void Update(int index, string name, Tensor p, Tensor grad)
    {
        var d = WeightDecay != 0 ? grad + p * WeightDecay : grad;
        if (Momentum != 0)
        {
            bool first = !HasSlot(index, "momentum");
            var buffer = Slot(index, "momentum");
            buffer.CopyFrom(first ? d : buffer * Momentum + d);
            d = Nesterov ? d + buffer * Momentum : buffer;
        }
        p.CopyFrom(p - d * LearningRate);
    }
}
