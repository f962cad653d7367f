using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = 1 if x &gt; 0 else 0; the derivative of ReLU.</summary>
public struct StepFunction : IUnaryFunction
{
    public readonly float Apply(float x) => x > 0f ? 1f : 0f;
    public readonly double Apply(double x) => x > 0d ? 1d : 0d;
    public readonly Vector256<float> Apply(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero);
}
