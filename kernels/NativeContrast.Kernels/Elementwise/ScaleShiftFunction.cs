using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = Scale·x + Shift. Parameters are double so float64 gradient checks stay exact.</summary>
public struct ScaleShiftFunction : IUnaryFunction
{
    public double Scale;
    public double Shift;

    public readonly float Apply(float x) => (float)Scale * x + (float)Shift;
    public readonly double Apply(double x) => Scale * x + Shift;
    public readonly Vector256<float> Apply(Vector256<float> x) => x * (float)Scale + Vector256.Create((float)Shift);
}
