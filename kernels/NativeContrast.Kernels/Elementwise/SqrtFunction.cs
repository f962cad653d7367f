using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = √x</summary>
public struct SqrtFunction : IUnaryFunction
{
    public readonly float Apply(float x) => MathF.Sqrt(x);
    public readonly double Apply(double x) => Math.Sqrt(x);
    public readonly Vector256<float> Apply(Vector256<float> x) => Vector256.Sqrt(x);
}
