using NativeContrast.Kernels;

namespace NativeContrast.Augmentation;

/// <summary>Runs the backend's per-image colour adjustment (parameters [N·5]: brightness, contrast, saturation, hue, grayscale).</summary>
internal static class Coloring
{
    public static Tensor Run(Tensor images, float[] parameters, ImageShape s)
    {
        using var scope = TensorScope.Begin();
        var p = AugmentationArguments.Floats(parameters, images.Device);
        var y = Tensor.Empty(images.ShapeArray, images.Device, DType.Float32);
        if (y.Count > 0) images.Backend.AdjustColor(images.Data, y.Data, p.Data, s);
        return scope.Keep(y);
    }
}
