using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>The augmentation family's slice of the backend interface.</summary>
internal partial interface IBackend
{
    /// <summary>Bilinear resampling of a box per image (boxes [N·4]: top, left, height, width), mirrored where flips[n] ≠ 0; float32.</summary>
    void Resample(BufferSlice x, BufferSlice y, BufferSlice boxes, BufferSlice flips, ImageShape s);

    /// <summary>Brightness, contrast, saturation, hue and grayscale per image (parameters [N·5]); float32.</summary>
    void AdjustColor(BufferSlice x, BufferSlice y, BufferSlice parameters, ImageShape s);

    /// <summary>Gaussian blur with σ per image (σ ≤ 0: copy) over a (2·radius + 1)² window, reflected borders; float32.</summary>
    void Blur(BufferSlice x, BufferSlice y, BufferSlice sigmas, int radius, ImageShape s);

    /// <summary>Fills a box per image (boxes [N·4], height 0 = none) with <paramref name="value"/>; float32.</summary>
    void Erase(BufferSlice x, BufferSlice y, BufferSlice boxes, float value, ImageShape s);
}
