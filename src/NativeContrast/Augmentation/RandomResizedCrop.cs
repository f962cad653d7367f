using static NativeContrast.Augmentation.AugmentationArguments;

namespace NativeContrast.Augmentation;

/// <summary>
/// Crops a random box of each image and resizes it (bilinear) to Height×Width, as torchvision's
/// RandomResizedCrop: the box covers a fraction of the image area drawn from <c>scale</c> and has an
/// aspect ratio drawn log-uniformly from <c>ratio</c>; after 10 failed tries it falls back to the
/// central crop with the ratio clamped. SimCLR: scale (0.08, 1), ratio (3/4, 4/3).
/// </summary>
public sealed class RandomResizedCrop : IAugmentation
{
    /// <summary>Crops a random region (area fraction in <paramref name="scale"/>, default 0.08–1; aspect in <paramref name="ratio"/>, default 3/4–4/3) and resizes it bilinearly to <paramref name="height"/>×<paramref name="width"/>.</summary>
    public RandomResizedCrop(int height, int width, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null)
    {
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"The output size must be positive; got {height}×{width}.");
        Height = height;
        Width = width;
        Scale = scale ?? (0.08, 1.0);
        Ratio = ratio ?? (3.0 / 4, 4.0 / 3);
        AugmentationArguments.Range(Scale, double.Epsilon, nameof(scale));
        if (Scale.Max > 1) throw new ArgumentOutOfRangeException(nameof(scale), Scale, "The crop scale is a fraction of the image area, at most 1.");
        AugmentationArguments.Range(Ratio, double.Epsilon, nameof(ratio));
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>Range of the crop's area as a fraction of the image.</summary>
    public (double Min, double Max) Scale { get; }

    /// <summary>Range of the crop's aspect ratio (width / height), drawn log-uniformly.</summary>
    public (double Min, double Max) Ratio { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Random rng)
    {
        var s = Shape(images, nameof(RandomResizedCrop));
        var boxes = new float[s.Batch * 4];
        for (int n = 0; n < s.Batch; n++)
        {
            var (top, left, h, w) = Box(s.Height, s.Width, rng);
            boxes[n * 4] = top;
            boxes[n * 4 + 1] = left;
            boxes[n * 4 + 2] = h;
            boxes[n * 4 + 3] = w;
        }
        s.OutHeight = Height;
        s.OutWidth = Width;
        return Resampling.Run(images, boxes, new int[s.Batch], s);
    }

    /// <summary>torchvision's get_params: (top, left, height, width) in pixels.</summary>
    internal (int Top, int Left, int Height, int Width) Box(int height, int width, Random rng)
    {
        double area = (double)height * width;
        double logMin = Math.Log(Ratio.Min), logMax = Math.Log(Ratio.Max);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * Uniform(rng, Scale.Min, Scale.Max);
            double aspect = Math.Exp(Uniform(rng, logMin, logMax));
            int w = (int)Math.Round(Math.Sqrt(target * aspect)), h = (int)Math.Round(Math.Sqrt(target / aspect));
            if (w > 0 && h > 0 && w <= width && h <= height)
                return (rng.Next(height - h + 1), rng.Next(width - w + 1), h, w);
        }
        double inRatio = (double)width / height;
        int cw, ch;
        if (inRatio < Ratio.Min) { cw = width; ch = (int)Math.Round(cw / Ratio.Min); }
        else if (inRatio > Ratio.Max) { ch = height; cw = (int)Math.Round(ch * Ratio.Max); }
        else { cw = width; ch = height; }
        return ((height - ch) / 2, (width - cw) / 2, ch, cw);
    }
}
