using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>y = Scale·x + Shift. Parameters are double so float64 gradient checks stay exact.</summary>
public struct ScaleShiftFunction : IUnaryFunction
{
    /// <summary>The factor.</summary>
    public double Scale;
    /// <summary>The term added.</summary>
    public double Shift;

    /// <inheritdoc/>
    public readonly float Apply(float x) => (float)Scale * x + (float)Shift;
    /// <inheritdoc/>
    public readonly double Apply(double x) => Scale * x + Shift;
    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> x) => x * (float)Scale + Vector256.Create((float)Shift);
}
