namespace NativeContrast.Data;

/// <summary>Batches of consecutive indices of a seeded permutation per epoch (or in order without shuffling); the last short batch kept unless dropped.</summary>
public sealed class RandomBatchSampler : IBatchSampler
{
    private readonly int count;
    private readonly int batchSize;
    private readonly bool shuffle;
    private readonly bool dropLast;
    private readonly int seed;

    /// <summary>Batches of <paramref name="batchSize"/> of the indices 0…<paramref name="count"/> − 1, shuffled per epoch (seeded) unless <paramref name="shuffle"/> is false; a short last batch is dropped when <paramref name="dropLast"/>.</summary>
    public RandomBatchSampler(int count, int batchSize, bool shuffle = true, bool dropLast = true, int seed = 0)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        if (dropLast && count < batchSize) throw new ArgumentException($"A batch of {batchSize} needs at least that many images; the dataset has {count}.", nameof(batchSize));
        this.count = count;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.seed = seed;
    }

    /// <inheritdoc/>
    public int BatchesPerEpoch => dropLast ? count / batchSize : (count + batchSize - 1) / batchSize;

    /// <inheritdoc/>
    public IEnumerable<int[]> Batches(int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        if (shuffle) new Random(Seeds.Mix(seed, epoch)).Shuffle(order);
        for (int b = 0; b < BatchesPerEpoch; b++)
            yield return order.AsSpan(b * batchSize, Math.Min(batchSize, count - b * batchSize)).ToArray();
    }
}
