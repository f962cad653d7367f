using NativeContrast.Data;

namespace NativeContrast.Tests.Training;

/// <summary>28×28 grayscale images in 4 classes: a bright 8×8 square in the class's quadrant, on noise.</summary>
internal static class SyntheticImages
{
    public static ImageDataset Create(int count, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * 28 * 28];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int label = n % 4;
            labels[n] = label;
            int top = label / 2 * 14 + 3 + rng.Next(3), left = label % 2 * 14 + 3 + rng.Next(3);
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                {
                    bool inside = y >= top && y < top + 8 && x >= left && x < left + 8;
                    pixels[n * 784 + y * 28 + x] = (byte)(inside ? 200 + rng.Next(55) : rng.Next(60));
                }
        }
        return new ImageDataset(pixels, labels, 1, 28, 28, ["top-left", "top-right", "bottom-left", "bottom-right"]);
    }
}
