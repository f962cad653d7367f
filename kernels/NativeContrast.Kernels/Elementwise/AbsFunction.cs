using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = |x|</summary>
public struct AbsFunction : IUnaryFunction
{
    /// <inheritdoc/>
    public readonly float Apply(float x) => MathF.Abs(x);
    /// <inheritdoc/>
    public readonly double Apply(double x) => Math.Abs(x);
    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> x) => Vector256.Abs(x);
}
