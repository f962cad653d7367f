namespace NativeContrast.Data;

/// <summary>
/// One batch: images [n, C, H, W] in [0, 1] and labels [n] on the loader's device, the dataset indices,
/// and a seed for this batch's augmentations (fixed by the loader's seed, the epoch and the batch number).
/// Dispose it when done (its tensors belong to no scope).
/// </summary>
public sealed class Batch : IDisposable
{
    internal Batch(Tensor images, Tensor labels, int[] labelValues, int[] indices, int seed)
    {
        Images = images;
        Labels = labels;
        LabelValues = labelValues;
        Indices = indices;
        Seed = seed;
    }

    public Tensor Images { get; }

    public Tensor Labels { get; }

    public int[] LabelValues { get; }

    public int[] Indices { get; }

    public int Seed { get; }

    public int Count => Indices.Length;

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
