using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>
/// GELU, tanh form (PyTorch's approximate='tanh', as in BERT/GPT-2):
/// y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³). .NET has no erf, and the two forms differ by under 10⁻³.
/// </summary>
public struct GeluFunction : IUnaryFunction
{
    internal const float C = 0.7978845608028654f; // √(2/π)
    internal const float A = 0.044715f;

    /// <inheritdoc/>
    public readonly float Apply(float x) => 0.5f * x * (1f + MathF.Tanh(C * (x + A * x * x * x)));

    /// <inheritdoc/>
    public readonly double Apply(double x) => 0.5 * x * (1.0 + Math.Tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));

    /// <inheritdoc/>
    public readonly Vector256<float> Apply(Vector256<float> x)
    {
        Span<float> lanes = stackalloc float[8];
        x.CopyTo(lanes);
        for (int i = 0; i < 8; i++) lanes[i] = Apply(lanes[i]);
        return Vector256.Create<float>(lanes);
    }
}
