namespace NativeContrast.Augmentation;

/// <summary>
/// With probability p blurs each image with a Gaussian of σ drawn from [σmin, σmax] over a
/// kernelSize×kernelSize window (odd), borders reflected. SimCLR: kernel 10% of the image side,
/// σ ∈ [0.1, 2.0], p = 0.5.
/// </summary>
public sealed class GaussianBlur : IAugmentation
{
    /// <summary>Blurs an image with probability <paramref name="p"/> by a Gaussian of odd size <paramref name="kernelSize"/> and σ drawn from <paramref name="sigma"/> (default 0.1–2.0).</summary>
    public GaussianBlur(int kernelSize, (double Min, double Max)? sigma = null, double p = 0.5)
    {
        if (kernelSize < 1 || kernelSize % 2 == 0) throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "The blur kernel size must be a positive odd number.");
        AugmentationArguments.Probability(p, nameof(p));
        KernelSize = kernelSize;
        Sigma = sigma ?? (0.1, 2.0);
        AugmentationArguments.Range(Sigma, double.Epsilon, nameof(sigma));
        P = p;
    }

    /// <summary>Side of the (odd) blur kernel.</summary>
    public int KernelSize { get; }

    /// <summary>Range σ is drawn from, per image.</summary>
    public (double Min, double Max) Sigma { get; }

    /// <summary>Probability that an image is blurred.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Random rng)
    {
        var s = AugmentationArguments.Shape(images, nameof(GaussianBlur));
        var sigmas = new float[s.Batch];
        for (int n = 0; n < s.Batch; n++) sigmas[n] = rng.NextDouble() < P ? (float)AugmentationArguments.Uniform(rng, Sigma.Min, Sigma.Max) : 0f;
        using var scope = TensorScope.Begin();
        var sig = AugmentationArguments.Floats(sigmas, images.Device);
        var y = Tensor.Empty(images.ShapeArray, images.Device, DType.Float32);
        if (y.Count > 0) images.Backend.Blur(images.Data, y.Data, sig.Data, KernelSize / 2, s);
        return scope.Keep(y);
    }
}
