using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>The optimizer family's slice of the backend interface.</summary>
internal partial interface IBackend
{
    /// <summary>
    /// scale[0] = LARS's step factor lr·η·√w/√u from the one-element sums of squares w = Σp² and u = Σd² (lr when either is 0),
    /// computed where they are, so that the step reads nothing back to the host (see <see cref="Kernels.TrustRatio"/>).
    /// </summary>
    void TrustRatioScale(BufferSlice weightSquares, BufferSlice updateSquares, BufferSlice scale, double learningRate, double trustCoefficient);
}
