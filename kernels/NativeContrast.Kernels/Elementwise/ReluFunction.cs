using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = max(x, 0)</summary>
public struct ReluFunction : IUnaryFunction
{
    public readonly float Apply(float x) => x > 0f ? x : 0f;
    public readonly double Apply(double x) => x > 0d ? x : 0d;
    public readonly Vector256<float> Apply(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);
}
