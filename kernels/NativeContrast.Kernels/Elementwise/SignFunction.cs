using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = sign(x) ∈ {−1, 0, 1}; the derivative of |x| (0 at 0, as PyTorch).</summary>
public struct SignFunction : IUnaryFunction
{
    /// <inheritdoc/>
    public readonly float Apply(float x) => x > 0f ? 1f : (x < 0f ? -1f : 0f);
    /// <inheritdoc/>
    public readonly double Apply(double x) => x > 0d ? 1d : (x < 0d ? -1d : 0d);
    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero) - Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero);
}
