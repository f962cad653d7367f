using ILGPU;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>The augmentation family's ILGPU launches.</summary>
internal sealed partial class IlgpuBackend
{
    public void Resample(BufferSlice x, BufferSlice y, BufferSlice boxes, BufferSlice flips, ImageShape s) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ImageShape>(AugmentationKernels.ResampleNaive)(y.Length, F(x), F(y), F(boxes), I(flips), s);

    public void AdjustColor(BufferSlice x, BufferSlice y, BufferSlice parameters, ImageShape s) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, ImageShape>(AugmentationKernels.ColorNaive)(s.Batch, F(x), F(y), F(parameters), s);

    public void Blur(BufferSlice x, BufferSlice y, BufferSlice sigmas, int radius, ImageShape s) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ImageShape>(AugmentationKernels.BlurNaive)(y.Length, F(x), F(y), F(sigmas), radius, s);

    public void Erase(BufferSlice x, BufferSlice y, BufferSlice boxes, float value, ImageShape s) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, float, ImageShape>(AugmentationKernels.EraseNaive)(y.Length, F(x), F(y), F(boxes), value, s);
}
