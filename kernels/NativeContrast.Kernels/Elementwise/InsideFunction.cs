using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = 1 if Min &lt; x &lt; Max else 0: the derivative of clamp (0 at and beyond the bounds).</summary>
public struct InsideFunction : IUnaryFunction
{
    /// <summary>The lower bound (excluded).</summary>
    public double Min;
    /// <summary>The upper bound (excluded).</summary>
    public double Max;

    /// <inheritdoc/>
    public readonly float Apply(float x) => x > (float)Min && x < (float)Max ? 1f : 0f;
    /// <inheritdoc/>
    public readonly double Apply(double x) => x > Min && x < Max ? 1d : 0d;
    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> x) => Vector256.ConditionalSelect(
        Vector256.GreaterThan(x, Vector256.Create((float)Min)) & Vector256.LessThan(x, Vector256.Create((float)Max)),
        Vector256<float>.One, Vector256<float>.Zero);
}
