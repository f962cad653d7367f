using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>Elementwise function of two arguments; see <see cref="IUnaryFunction"/>.</summary>
public interface IBinaryFunction
{
    /// <summary>f(a, b) in float32.</summary>
    float Apply(float a, float b);

    /// <summary>f(a, b) in float64.</summary>
    double Apply(double a, double b);

    /// <summary>f of eight float32 lanes each.</summary>
    Vector256<float> Apply(Vector256<float> a, Vector256<float> b);
}
