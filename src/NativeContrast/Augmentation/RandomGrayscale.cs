namespace NativeContrast.Augmentation;

/// <summary>With probability p (0.2 in SimCLR) replaces every channel by the luma 0.299R + 0.587G + 0.114B (a no-op on 1 channel).</summary>
public sealed class RandomGrayscale : IAugmentation
{
    /// <summary>Replaces each RGB image by its luma (in every channel) with probability <paramref name="p"/>.</summary>
    public RandomGrayscale(double p = 0.2)
    {
        AugmentationArguments.Probability(p, nameof(p));
        P = p;
    }

    /// <summary>Probability that an image is made grey.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Random rng)
    {
        var s = AugmentationArguments.Shape(images, nameof(RandomGrayscale));
        var parameters = new float[s.Batch * 5];
        for (int n = 0; n < s.Batch; n++)
        {
            parameters[n * 5] = parameters[n * 5 + 1] = parameters[n * 5 + 2] = 1f;
            parameters[n * 5 + 4] = rng.NextDouble() < P ? 1f : 0f;
        }
        return Coloring.Run(images, parameters, s);
    }
}
