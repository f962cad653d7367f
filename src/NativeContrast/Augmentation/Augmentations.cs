namespace NativeContrast.Augmentation;

/// <summary>Ready-made pipelines.</summary>
public static class Augmentations
{
    /// <summary>
    /// SimCLR (Chen et al. 2020, appendix A): random resized crop (scale 0.08–1, ratio 3/4–4/3), flip
    /// (0.5), colour jitter (0.8, 0.8, 0.8, 0.2)·strength with p 0.8, grayscale p 0.2, Gaussian blur
    /// (kernel 10% of the side, σ 0.1–2.0, p 0.5). <paramref name="minCropScale"/> is the smallest
    /// fraction of the image area a crop keeps.
    /// </summary>
    public static AugmentationPipeline SimClr(int size, double strength = 1.0, double minCropScale = 0.08)
    {
        int kernel = Math.Max(3, (int)Math.Round(size * 0.1) | 1);
        return new AugmentationPipeline(
            new RandomResizedCrop(size, size, (minCropScale, 1.0)),
            new HorizontalFlip(0.5),
            new ColorJitter(0.8 * strength, 0.8 * strength, 0.8 * strength, 0.2 * strength, p: 0.8),
            new RandomGrayscale(0.2),
            new GaussianBlur(kernel, (0.1, 2.0), p: 0.5));
    }

    /// <summary>
    /// For 28×28 grayscale (Fashion-MNIST, MNIST): SupCon's small-image recipe with what grayscale
    /// allows — random resized crop (scale 0.2–1, as SupCon uses for CIFAR: 0.08 leaves too little of a
    /// 28×28 image), flip (0.5), brightness and contrast jitter 0.4 with p 0.8, and a light blur (3×3,
    /// σ 0.1–1.0, p 0.2). No saturation, hue or grayscale step: one channel has none.
    /// <paramref name="minCropScale"/> is the smallest fraction of the image area a crop keeps; a larger
    /// value keeps more of each garment; the trainer takes it per method from <see cref="Training.Defaults.CropMinScale"/>.
    /// </summary>
    public static AugmentationPipeline Grayscale28(double minCropScale = 0.2) => new(
        new RandomResizedCrop(28, 28, (minCropScale, 1.0)),
        new HorizontalFlip(0.5),
        new ColorJitter(0.4, 0.4, p: 0.8),
        new GaussianBlur(3, (0.1, 1.0), p: 0.2));
}
