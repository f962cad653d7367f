using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = ln x (NaN for x &lt; 0, −∞ at 0, as IEEE says)</summary>
public struct LogFunction : IUnaryFunction
{
    /// <inheritdoc/>
    public readonly float Apply(float x) => MathF.Log(x);
    /// <inheritdoc/>
    public readonly double Apply(double x) => Math.Log(x);
    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> x) => Vector256.Log(x);
}
