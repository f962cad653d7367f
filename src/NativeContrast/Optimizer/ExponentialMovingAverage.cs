using NativeContrast.Nn;

namespace NativeContrast.Optim;

/// <summary>
/// Keeps <c>target</c> an exponential moving average of <c>source</c> (MoCo's momentum encoder, BYOL's
/// target network): θ_target ← m·θ_target + (1 − m)·θ_source for every parameter, and buffers (batch-norm
/// running statistics) copied. The two modules must have the same state-dictionary names and shapes.
/// </summary>
public sealed class ExponentialMovingAverage
{
    private readonly List<(Tensor Target, Tensor Source)> parameters;
    private readonly List<(Tensor Target, Tensor Source)> buffers;

    /// <summary>Keeps <paramref name="target"/>'s weights an exponential moving average of <paramref name="source"/>'s (the same architecture); starts by copying them.</summary>
    public ExponentialMovingAverage(Module target, Module source, double momentum = 0.999)
    {
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "EMA momentum must be in [0, 1].");
        Momentum = momentum;
        var sourceParameters = source.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        var sourceBuffers = source.NamedBuffers().ToDictionary(p => p.Name, p => p.Buffer);
        parameters = Pair(target.NamedParameters(), sourceParameters);
        buffers = Pair(target.NamedBuffers(), sourceBuffers);
    }

    /// <summary>Weight m of the old value: t ← m·t + (1 − m)·s.</summary>
    public double Momentum { get; }

    /// <summary>Copies the source into the target (the usual start: equal weights).</summary>
    public void CopySource()
    {
        using var noGrad = GradMode.NoGrad();
        foreach (var (t, s) in parameters.Concat(buffers)) t.CopyFrom(s);
    }

    /// <summary>Moves every target parameter (and copies every buffer) toward the source.</summary>
    public void Update()
    {
        using var noGrad = GradMode.NoGrad();
        foreach (var (t, s) in parameters)
        {
            using var scope = TensorScope.Begin();
            t.CopyFrom(t * Momentum + s * (1 - Momentum));
        }
        foreach (var (t, s) in buffers) t.CopyFrom(s);
    }

    private static List<(Tensor, Tensor)> Pair(IEnumerable<(string Name, Tensor Tensor)> target, Dictionary<string, Tensor> source)
    {
        var pairs = new List<(Tensor, Tensor)>();
        foreach (var (name, t) in target)
        {
            if (!source.TryGetValue(name, out var s) || !s.Shape.SequenceEqual(t.Shape))
                throw new ArgumentException($"EMA: the source has no '{name}' of shape {Shapes.Format(t.ShapeArray)}.");
            pairs.Add((t, s));
        }
        return pairs;
    }
}
