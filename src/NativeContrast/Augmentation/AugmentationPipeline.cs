namespace NativeContrast.Augmentation;

/// <summary>
/// Augmentations applied in order. <see cref="Views"/> makes several independently augmented views
/// of a batch, stacked view after view ([V·N, C, H, W]: row i and row i + N are two views of image i,
/// the layout NT-Xent's default positives expect). The same seed gives the same views.
/// </summary>
public sealed class AugmentationPipeline : IAugmentation
{
    /// <summary>Applies <paramref name="steps"/> in order.</summary>
    public AugmentationPipeline(params IAugmentation[] steps) => Steps = steps;

    /// <summary>The steps, in the order they run.</summary>
    public IReadOnlyList<IAugmentation> Steps { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Random rng)
    {
        using var scope = TensorScope.Begin();
        var x = images;
        foreach (var step in Steps) x = step.Apply(x, rng);
        return scope.Keep(ReferenceEquals(x, images) ? images.Clone() : x);
    }

    /// <summary>Generator for view <paramref name="view"/> of a batch augmented with <paramref name="seed"/>.</summary>
    public static Random ViewRandom(int seed, int view) => new(Data.Seeds.Mix(seed, view, 0x5EED));

    /// <summary><paramref name="count"/> views of the batch, each from its own generator, concatenated along the batch axis.</summary>
    public Tensor Views(Tensor images, int count, int seed)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "At least one view.");
        using var scope = TensorScope.Begin();
        var views = Enumerable.Range(0, count).Select(v => Apply(images, ViewRandom(seed, v))).ToArray();
        return scope.Keep(count == 1 ? views[0] : Tensor.Concat(views));
    }
}
