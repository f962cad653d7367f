using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = min(max(x, Min), Max).</summary>
public struct ClampFunction : IUnaryFunction
{
    public double Min;
    public double Max;

    public readonly float Apply(float x) => x < (float)Min ? (float)Min : (x > (float)Max ? (float)Max : x);
    public readonly double Apply(double x) => x < Min ? Min : (x > Max ? Max : x);
    public readonly Vector256<float> Apply(Vector256<float> x) =>
        Vector256.Min(Vector256.Max(x, Vector256.Create((float)Min)), Vector256.Create((float)Max));
}
