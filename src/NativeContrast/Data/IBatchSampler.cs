namespace NativeContrast.Data;

/// <summary>Which dataset indices make up each batch of an epoch (deterministic for a seed and an epoch).</summary>
public interface IBatchSampler
{
    /// <summary>The dataset indices of each batch of epoch <paramref name="epoch"/> (the same for the same epoch and seed).</summary>
    IEnumerable<int[]> Batches(int epoch);

    /// <summary>Batches in one epoch.</summary>
    int BatchesPerEpoch { get; }
}
