using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = g if x &gt; 0 else 0 (a = x, b = g): ReLU's backward in one pass, without a step mask in between.</summary>
public struct ReluGradFunction : IBinaryFunction
{
    /// <inheritdoc/>
    public readonly float Apply(float x, float g) => x > 0f ? g : 0f;
    /// <inheritdoc/>
    public readonly double Apply(double x, double g) => x > 0d ? g : 0d;
    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> x, Vector256<float> g) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), g, Vector256<float>.Zero);
}
