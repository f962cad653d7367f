using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = eˣ</summary>
public struct ExpFunction : IUnaryFunction
{
    /// <inheritdoc/>
    public readonly float Apply(float x) => MathF.Exp(x);
    /// <inheritdoc/>
    public readonly double Apply(double x) => Math.Exp(x);
    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> x) => Vector256.Exp(x);
}
