using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = x^Exponent (real power: NaN for negative x with a non-integer exponent, as IEEE pow).</summary>
public struct PowFunction : IUnaryFunction
{
    /// <summary>The exponent.</summary>
    public double Exponent;

    /// <inheritdoc/>
    public readonly float Apply(float x) => MathF.Pow(x, (float)Exponent);
    /// <inheritdoc/>
    public readonly double Apply(double x) => Math.Pow(x, Exponent);

    // pow has no vector form in .NET; x^p = exp(p·ln x) would lose the sign of negative bases.
    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> x)
    {
        float p = (float)Exponent;
        return Vector256.Create(
            MathF.Pow(x[0], p), MathF.Pow(x[1], p), MathF.Pow(x[2], p), MathF.Pow(x[3], p),
            MathF.Pow(x[4], p), MathF.Pow(x[5], p), MathF.Pow(x[6], p), MathF.Pow(x[7], p));
    }
}
