using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>
/// One definition of an elementwise function, shared by the ILGPU kernel (scalar float), the
/// managed CPU backend (Vector256 float, scalar double) and the float64 gradient checks.
/// Implementations are small structs; parameters (clamp bounds, exponents) are fields.
/// </summary>
public interface IUnaryFunction
{
    /// <summary>f(x) in float32 (kernels and scalar tails).</summary>
    float Apply(float x);

    /// <summary>f(x) in float64 (the CPU backend's float64 tensors and gradient checks).</summary>
    double Apply(double x);

    /// <summary>f of eight float32 lanes (the CPU backend's AVX2 loop).</summary>
    Vector256<float> Apply(Vector256<float> x);
}
