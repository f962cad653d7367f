using static NativeContrast.Augmentation.AugmentationArguments;

namespace NativeContrast.Augmentation;

/// <summary>
/// With probability p, scales brightness by a factor from [1 − b, 1 + b], contrast by one from
/// [1 − c, 1 + c] (blending with the mean luma), saturation by one from [1 − s, 1 + s] (3 channels) and
/// shifts the hue by a fraction of a turn from [−h, h] (3 channels; a rotation of the YIQ chroma plane,
/// close to torchvision's HSV shift). Applied in that fixed order, each result clamped to [0, 1].
/// SimCLR: (0.8, 0.8, 0.8, 0.2)·strength with p = 0.8.
/// </summary>
public sealed class ColorJitter : IAugmentation
{
    /// <summary>Random brightness, contrast and saturation factors in [1 − s, 1 + s] and a hue shift in [−hue, hue] (of a turn), applied together with probability <paramref name="p"/>.</summary>
    public ColorJitter(double brightness = 0, double contrast = 0, double saturation = 0, double hue = 0, double p = 1.0)
    {
        if (!(brightness >= 0) || !(contrast >= 0) || !(saturation >= 0) || !(hue >= 0 && hue <= 0.5))
            throw new ArgumentOutOfRangeException(nameof(brightness), $"Jitter strengths must be ≥ 0 (hue at most 0.5); got {brightness}, {contrast}, {saturation}, {hue}.");
        Probability(p, nameof(p));
        Brightness = brightness;
        Contrast = contrast;
        Saturation = saturation;
        Hue = hue;
        P = p;
    }

    /// <summary>Strength of the brightness change (factor in [1 − b, 1 + b]).</summary>
    public double Brightness { get; }

    /// <summary>Strength of the contrast change.</summary>
    public double Contrast { get; }

    /// <summary>Strength of the saturation change.</summary>
    public double Saturation { get; }

    /// <summary>Largest hue shift, as a fraction of a turn (at most 0.5).</summary>
    public double Hue { get; }

    /// <summary>Probability that an image is jittered.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Random rng)
    {
        var s = Shape(images, nameof(ColorJitter));
        var parameters = new float[s.Batch * 5];
        for (int n = 0; n < s.Batch; n++)
        {
            bool on = rng.NextDouble() < P;
            parameters[n * 5] = on ? (float)Uniform(rng, Math.Max(0, 1 - Brightness), 1 + Brightness) : 1f;
            parameters[n * 5 + 1] = on ? (float)Uniform(rng, Math.Max(0, 1 - Contrast), 1 + Contrast) : 1f;
            parameters[n * 5 + 2] = on ? (float)Uniform(rng, Math.Max(0, 1 - Saturation), 1 + Saturation) : 1f;
            parameters[n * 5 + 3] = on ? (float)Uniform(rng, -Hue, Hue) : 0f;
        }
        return Coloring.Run(images, parameters, s);
    }
}
