namespace NativeContrast.Data;

/// <summary>
/// Label-aware batches for SupCon and triplet training: each batch holds <c>classesPerBatch</c> classes
/// drawn at random with <c>perClass</c> images of each (drawn without replacement within an epoch's
/// pass over the class, with replacement when a class has fewer), so every anchor has positives.
/// An epoch has as many batches as the dataset fills.
/// </summary>
public sealed class ClassBalancedSampler : IBatchSampler
{
    private readonly int[][] byClass;
    private readonly int classesPerBatch;
    private readonly int perClass;
    private readonly int seed;

    /// <summary>Batches of <paramref name="classesPerBatch"/> classes × <paramref name="perClass"/> images each (drawn as the class summary says, seeded).</summary>
    public ClassBalancedSampler(IReadOnlyList<int> labels, int classesPerBatch, int perClass, int seed = 0)
    {
        byClass = labels.Select((label, index) => (label, index)).GroupBy(p => p.label).OrderBy(g => g.Key).Select(g => g.Select(p => p.index).ToArray()).ToArray();
        if (classesPerBatch < 1 || classesPerBatch > byClass.Length)
            throw new ArgumentOutOfRangeException(nameof(classesPerBatch), classesPerBatch, $"Classes per batch must be in [1, {byClass.Length}] (the classes present).");
        if (perClass < 1) throw new ArgumentOutOfRangeException(nameof(perClass), perClass, "Images per class must be at least 1.");
        this.classesPerBatch = classesPerBatch;
        this.perClass = perClass;
        this.seed = seed;
        BatchesPerEpoch = Math.Max(1, labels.Count / (classesPerBatch * perClass));
    }

    /// <inheritdoc/>
    public int BatchesPerEpoch { get; }

    /// <inheritdoc/>
    public IEnumerable<int[]> Batches(int epoch)
    {
        var rng = new Random(Seeds.Mix(seed, epoch, 77));
        var pools = byClass.Select(c => new Queue<int>()).ToArray();
        var classIds = Enumerable.Range(0, byClass.Length).ToArray();
        for (int b = 0; b < BatchesPerEpoch; b++)
        {
            rng.Shuffle(classIds);
            var batch = new int[classesPerBatch * perClass];
            for (int c = 0; c < classesPerBatch; c++)
            {
                int cls = classIds[c];
                for (int k = 0; k < perClass; k++)
                {
                    if (pools[cls].Count == 0)
                    {
                        var refill = byClass[cls].ToArray();
                        rng.Shuffle(refill);
                        foreach (var i in refill) pools[cls].Enqueue(i);
                    }
                    batch[c * perClass + k] = pools[cls].Dequeue();
                }
            }
            yield return batch;
        }
    }
}
