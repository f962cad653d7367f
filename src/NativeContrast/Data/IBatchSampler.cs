namespace NativeContrast.Data;

/// <summary>Which dataset indices make up each batch of an epoch (deterministic for a seed and an epoch).</summary>
public interface IBatchSampler
{
    IEnumerable<int[]> Batches(int epoch);

    int BatchesPerEpoch { get; }
}
