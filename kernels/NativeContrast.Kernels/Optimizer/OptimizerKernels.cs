using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>Kernels of the optimizers' steps that would otherwise read values back to the host.</summary>
public static class OptimizerKernels
{
    /// <summary>
    /// LARS's step factor, one thread: scale = lr·η·√w/√u when both sums of squares are above 0, else lr (trust ratio 1).
    /// In double through <see cref="TrustRatio.Scale"/>, the same arithmetic as the cpu backend's.
    /// </summary>
    public static void TrustRatioScale(Index1D i, ArrayView<float> weightSquares, ArrayView<float> updateSquares, ArrayView<float> scale,
        double learningRate, double trustCoefficient) =>
        scale[0] = (float)TrustRatio.Scale(weightSquares[0], updateSquares[0], learningRate, trustCoefficient);
}
