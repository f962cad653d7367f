using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = √x</summary>
public struct SqrtFunction : IUnaryFunction
{
    /// <inheritdoc/>
    public readonly float Apply(float x) => MathF.Sqrt(x);
    /// <inheritdoc/>
    public readonly double Apply(double x) => Math.Sqrt(x);
    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> x) => Vector256.Sqrt(x);
}
