using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>
/// One definition of an elementwise function, shared by the ILGPU kernel (scalar float), the
/// managed CPU backend (Vector256 float, scalar double) and the float64 gradient checks.
/// Implementations are small structs; parameters (clamp bounds, exponents) are fields.
/// </summary>
public interface IUnaryFunction
{
    float Apply(float x);
    double Apply(double x);
    Vector256<float> Apply(Vector256<float> x);
}
