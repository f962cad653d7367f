using static NativeContrast.Augmentation.AugmentationArguments;

namespace NativeContrast.Augmentation;

/// <summary>
/// With probability p fills a random rectangle of each image with <c>value</c> (Zhong et al. 2020, as
/// torchvision's RandomErasing): area fraction from <c>scale</c> (0.02, 0.33), aspect ratio
/// log-uniform from <c>ratio</c> (0.3, 3.3), up to 10 tries to fit.
/// </summary>
public sealed class RandomErasing : IAugmentation
{
    /// <summary>With probability <paramref name="p"/>, sets a random rectangle of each image (area fraction in <paramref name="scale"/>, aspect in <paramref name="ratio"/>) to <paramref name="value"/>.</summary>
    public RandomErasing(double p = 0.5, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null, float value = 0f)
    {
        Probability(p, nameof(p));
        P = p;
        Scale = scale ?? (0.02, 0.33);
        Ratio = ratio ?? (0.3, 3.3);
        AugmentationArguments.Range(Scale, double.Epsilon, nameof(scale));
        AugmentationArguments.Range(Ratio, double.Epsilon, nameof(ratio));
        Value = value;
    }

    /// <summary>Probability that an image gets a rectangle erased.</summary>
    public double P { get; }

    /// <summary>Range of the erased area as a fraction of the image.</summary>
    public (double Min, double Max) Scale { get; }

    /// <summary>Range of the erased rectangle's aspect ratio (width / height), drawn log-uniformly.</summary>
    public (double Min, double Max) Ratio { get; }

    /// <summary>The value erased pixels take.</summary>
    public float Value { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Random rng)
    {
        var s = Shape(images, nameof(RandomErasing));
        var boxes = new float[s.Batch * 4];
        for (int n = 0; n < s.Batch; n++)
        {
            if (rng.NextDouble() >= P) continue;
            double area = (double)s.Height * s.Width;
            for (int attempt = 0; attempt < 10; attempt++)
            {
                double target = area * Uniform(rng, Scale.Min, Scale.Max);
                double aspect = Math.Exp(Uniform(rng, Math.Log(Ratio.Min), Math.Log(Ratio.Max)));
                int h = (int)Math.Round(Math.Sqrt(target * aspect)), w = (int)Math.Round(Math.Sqrt(target / aspect));
                if (h < 1 || w < 1 || h >= s.Height || w >= s.Width) continue;
                boxes[n * 4] = rng.Next(s.Height - h + 1);
                boxes[n * 4 + 1] = rng.Next(s.Width - w + 1);
                boxes[n * 4 + 2] = h;
                boxes[n * 4 + 3] = w;
                break;
            }
        }
        using var scope = TensorScope.Begin();
        var b = Floats(boxes, images.Device);
        var y = Tensor.Empty(images.ShapeArray, images.Device, DType.Float32);
        if (y.Count > 0) images.Backend.Erase(images.Data, y.Data, b.Data, Value, s);
        return scope.Keep(y);
    }
}
