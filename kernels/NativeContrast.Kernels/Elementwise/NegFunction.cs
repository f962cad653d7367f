using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = −x</summary>
public struct NegFunction : IUnaryFunction
{
    /// <inheritdoc/>
    public readonly float Apply(float x) => -x;
    /// <inheritdoc/>
    public readonly double Apply(double x) => -x;
    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> x) => -x;
}
