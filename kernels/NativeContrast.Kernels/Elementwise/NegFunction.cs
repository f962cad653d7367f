using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = −x</summary>
public struct NegFunction : IUnaryFunction
{
    public readonly float Apply(float x) => -x;
    public readonly double Apply(double x) => -x;
    public readonly Vector256<float> Apply(Vector256<float> x) => -x;
}
