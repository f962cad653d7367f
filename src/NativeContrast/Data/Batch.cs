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

    /// <summary>The images [N, C, H, W] as float32 in [0, 1], on the loader's device.</summary>
    public Tensor Images { get; }

    /// <summary>The labels [N] (int32), on the loader's device.</summary>
    public Tensor Labels { get; }

    /// <summary>The labels on the host.</summary>
    public int[] LabelValues { get; }

    /// <summary>The dataset index of each row.</summary>
    public int[] Indices { get; }

    /// <summary>A seed drawn for this batch (for its augmentations), reproducible from the loader's seed, epoch and batch.</summary>
    public int Seed { get; }

    /// <summary>Rows in the batch.</summary>
    public int Count => Indices.Length;

    /// <inheritdoc/>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
