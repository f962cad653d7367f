namespace NativeContrast.Ops;

/// <summary>
/// The temperature a softmax-contrastive op runs at: 1/τ as a number, and, when it is learned, the
/// parameter θ = ln(1/τ) it came from and whether 1/τ sat at its clamp (then ∂L/∂θ = 0).
/// </summary>
internal readonly record struct ContrastiveTemperature(double InverseTemperature, Tensor? LogScale, bool Clamped)
{
    public static ContrastiveTemperature Fixed(double temperature) => new(1.0 / temperature, null, false);
}
