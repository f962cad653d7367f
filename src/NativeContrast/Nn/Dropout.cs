namespace NativeContrast.Nn;

/// <summary>
/// In training mode, zeroes each element with probability p and scales the rest by 1/(1 − p)
/// (inverted dropout); the identity in evaluation mode. The mask comes from a seeded generator, so a
/// run is repeatable; it is a tensor multiplied in, so the gradient flows through the kept elements.
/// </summary>
public sealed class Dropout : Module
{
    private readonly Random rng;

    /// <summary>Drops with probability <paramref name="p"/>, masks drawn from <paramref name="seed"/>.</summary>
    public Dropout(double p = 0.5, int seed = 0)
    {
        if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1).");
        P = p;
        rng = new Random(seed);
    }

    /// <summary>Probability that an element is zeroed in training mode.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        if (!Training || P == 0) return x;
        double keep = 1 - P;
        var mask = new double[x.Count];
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble() < keep ? 1 / keep : 0;
        var m = x.DType == DType.Float64
            ? Tensor.FromArray(mask, x.Shape.ToArray(), x.Device)
            : Tensor.FromArray(Array.ConvertAll(mask, v => (float)v), x.Shape.ToArray(), x.Device);
        return x * m;
    }
}
