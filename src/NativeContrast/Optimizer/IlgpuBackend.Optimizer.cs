using ILGPU;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>The optimizer family's ILGPU launches.</summary>
internal sealed partial class IlgpuBackend
{
    public void TrustRatioScale(BufferSlice weightSquares, BufferSlice updateSquares, BufferSlice scale, double learningRate, double trustCoefficient) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, double, double>(OptimizerKernels.TrustRatioScale)(
            1, F(weightSquares), F(updateSquares), F(scale), learningRate, trustCoefficient);
}
