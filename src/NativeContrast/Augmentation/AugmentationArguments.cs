using NativeContrast.Kernels;

namespace NativeContrast.Augmentation;

/// <summary>Shared checks and helpers of the augmentations.</summary>
internal static class AugmentationArguments
{
    public static ImageShape Shape(Tensor images, string what)
    {
        if (images.Rank != 4 || images.DType != DType.Float32)
            throw new ArgumentException($"{what} needs a float32 batch [N, C, H, W]; got {images.DType} {Shapes.Format(images.ShapeArray)}.", nameof(images));
        return new ImageShape
        {
            Batch = images.ShapeArray[0], Channels = images.ShapeArray[1], Height = images.ShapeArray[2], Width = images.ShapeArray[3],
            OutHeight = images.ShapeArray[2], OutWidth = images.ShapeArray[3],
        };
    }

    public static void Probability(double p, string name)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(name, p, "A probability must be in [0, 1].");
    }

    public static void Range((double Min, double Max) range, double lowest, string name)
    {
        if (!(range.Min >= lowest && range.Max >= range.Min) || double.IsInfinity(range.Max))
            throw new ArgumentOutOfRangeException(name, range, $"{name} must be a finite range with {lowest} ≤ min ≤ max.");
    }

    public static double Uniform(Random rng, double min, double max) => min + (max - min) * rng.NextDouble();

    /// <summary>A float32 vector on the device.</summary>
    public static Tensor Floats(float[] values, Device device) => Tensor.FromArray(values, [values.Length], device);
}
