using NativeContrast.Kernels;

namespace NativeContrast.Augmentation;

/// <summary>Runs the backend's bilinear box resampling (crop, resize and mirror in one pass).</summary>
internal static class Resampling
{
    public static Tensor Run(Tensor images, float[] boxes, int[] flips, ImageShape s)
    {
        using var scope = TensorScope.Begin();
        var b = AugmentationArguments.Floats(boxes, images.Device);
        var f = Tensor.FromArray(flips, [flips.Length], images.Device);
        var y = Tensor.Empty([s.Batch, s.Channels, s.OutHeight, s.OutWidth], images.Device, DType.Float32);
        if (y.Count > 0) images.Backend.Resample(images.Data, y.Data, b.Data, f.Data, s);
        return scope.Keep(y);
    }
}
