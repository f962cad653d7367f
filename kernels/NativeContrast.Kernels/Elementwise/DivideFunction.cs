using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = a / b</summary>
public struct DivideFunction : IBinaryFunction
{
    /// <inheritdoc/>
    public readonly float Apply(float a, float b) => a / b;
    /// <inheritdoc/>
    public readonly double Apply(double a, double b) => a / b;
    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a / b;
}
