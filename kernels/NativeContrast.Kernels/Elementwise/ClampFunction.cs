using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = min(max(x, Min), Max).</summary>
public struct ClampFunction : IUnaryFunction
{
    /// <summary>The lower bound.</summary>
    public double Min;
    /// <summary>The upper bound.</summary>
    public double Max;

    /// <inheritdoc/>
    public readonly float Apply(float x) => x < (float)Min ? (float)Min : (x > (float)Max ? (float)Max : x);
    /// <inheritdoc/>
    public readonly double Apply(double x) => x < Min ? Min : (x > Max ? Max : x);
    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> x) =>
        Vector256.Min(Vector256.Max(x, Vector256.Create((float)Min)), Vector256.Create((float)Max));
}
