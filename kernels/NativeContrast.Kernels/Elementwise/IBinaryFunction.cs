using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>Elementwise function of two arguments; see <see cref="IUnaryFunction"/>.</summary>
public interface IBinaryFunction
{
    float Apply(float a, float b);
    double Apply(double a, double b);
    Vector256<float> Apply(Vector256<float> a, Vector256<float> b);
}
