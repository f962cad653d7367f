using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = max(x, 0)</summary>
public struct ReluFunction : IUnaryFunction
{
    /// <inheritdoc/>
    public readonly float Apply(float x) => x > 0f ? x : 0f;
    /// <inheritdoc/>
    public readonly double Apply(double x) => x > 0d ? x : 0d;
    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);
}
