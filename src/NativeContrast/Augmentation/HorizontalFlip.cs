namespace NativeContrast.Augmentation;

/// <summary>Mirrors each image left–right with probability p (0.5 in SimCLR).</summary>
public sealed class HorizontalFlip : IAugmentation
{
    /// <summary>Mirrors each image left to right with probability <paramref name="p"/>.</summary>
    public HorizontalFlip(double p = 0.5)
    {
        AugmentationArguments.Probability(p, nameof(p));
        P = p;
    }

    /// <summary>Probability that an image is mirrored.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Random rng)
    {
        var s = AugmentationArguments.Shape(images, nameof(HorizontalFlip));
        var boxes = new float[s.Batch * 4];
        var flips = new int[s.Batch];
        for (int n = 0; n < s.Batch; n++)
        {
            boxes[n * 4 + 2] = s.Height;
            boxes[n * 4 + 3] = s.Width;
            flips[n] = rng.NextDouble() < P ? 1 : 0;
        }
        return Resampling.Run(images, boxes, flips, s);
    }
}
