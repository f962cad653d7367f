using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>
/// dGELU/dx for the tanh form: with t = tanh u, u = √(2/π)(x + 0.044715x³),
/// y' = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²).
/// </summary>
public struct GeluGradFunction : IUnaryFunction
{
    /// <inheritdoc/>
    public readonly float Apply(float x)
    {
        float t = MathF.Tanh(GeluFunction.C * (x + GeluFunction.A * x * x * x));
        return 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * GeluFunction.C * (1f + 3f * GeluFunction.A * x * x);
    }

    /// <inheritdoc/>
    public readonly double Apply(double x)
    {
        const double c = 0.7978845608028654, a = 0.044715;
        double t = Math.Tanh(c * (x + a * x * x * x));
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * c * (1.0 + 3.0 * a * x * x);
    }

    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> x)
    {
        Span<float> lanes = stackalloc float[8];
        x.CopyTo(lanes);
        for (int i = 0; i < 8; i++) lanes[i] = Apply(lanes[i]);
        return Vector256.Create<float>(lanes);
    }
}
