using System.Collections.Concurrent;

namespace NativeContrast.Data;

/// <summary>
/// Batches of a dataset for training: the sampler picks each batch's indices (shuffled per epoch
/// from the seed), background threads gather and convert the images (bytes → float32) up to
/// <c>prefetch</c> batches ahead, and the consuming thread uploads each to the device as it is taken,
/// so the device never waits for the gathering. The same seed gives the same batches in the same order.
/// </summary>
public sealed class DataLoader
{
    private readonly ImageDataset data;
    private readonly IBatchSampler sampler;
    private readonly Device device;
    private readonly int prefetch;
    private readonly int seed;

    /// <summary>Batches of <paramref name="batchSize"/> images (shuffled per epoch unless told not to), decoded on a background thread <paramref name="prefetch"/> batches ahead and copied to <paramref name="device"/>.</summary>
    public DataLoader(ImageDataset data, int batchSize, Device? device = null, bool shuffle = true, int seed = 0, bool dropLast = true, int prefetch = 2)
        : this(data, new RandomBatchSampler(data.Count, batchSize, shuffle, dropLast, seed), device, seed, prefetch)
    {
    }

    /// <summary>Batches chosen by <paramref name="sampler"/>, loaded ahead on a background thread.</summary>
    public DataLoader(ImageDataset data, IBatchSampler sampler, Device? device = null, int seed = 0, int prefetch = 2)
    {
        if (prefetch < 1) throw new ArgumentOutOfRangeException(nameof(prefetch), prefetch, "Prefetch at least one batch.");
        this.data = data;
        this.sampler = sampler;
        this.device = device ?? Device.Cpu;
        this.prefetch = prefetch;
        this.seed = seed;
    }

    /// <inheritdoc/>
    public int BatchesPerEpoch => sampler.BatchesPerEpoch;

    /// <summary>What the last epoch enumerated to its end cost the loader and its consumer.</summary>
    internal LoaderStatistics? LastEpoch { get; private set; }

    /// <summary>The batches of epoch <paramref name="epoch"/>; stop early by breaking out of the loop.</summary>
    public IEnumerable<Batch> Epoch(int epoch)
    {
        using var queue = new BlockingCollection<(float[] Images, int[] Labels, int[] Indices, int Number)>(prefetch);
        using var stop = new CancellationTokenSource();
        var loadClock = new System.Diagnostics.Stopwatch();
        int loaded = 0;
        var producer = Task.Run(() =>
        {
            try
            {
                int number = 0;
                foreach (var indices in sampler.Batches(epoch))
                {
                    loadClock.Start();
                    var images = new float[indices.Length * data.ImageSize];
                    data.CopyImages(indices, images);
                    loadClock.Stop();
                    loaded += indices.Length;
                    queue.Add((images, indices.Select(i => data.Labels[i]).ToArray(), indices, number++), stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                queue.CompleteAdding();
            }
        });
        var waitClock = new System.Diagnostics.Stopwatch();
        try
        {
            using var batches = queue.GetConsumingEnumerable().GetEnumerator();
            while (true)
            {
                waitClock.Start();
                bool more = batches.MoveNext();
                waitClock.Stop();
                if (!more) break;
                var (images, labels, indices, number) = batches.Current;
                var x = Tensor.Unscoped<float>(images, [indices.Length, data.Channels, data.Height, data.Width], device, DType.Float32);
                var y = Tensor.Unscoped<int>(labels, [labels.Length], device, DType.Int32);
                yield return new Batch(x, y, labels, indices, Seeds.Mix(seed, epoch, number + 1));
            }
            producer.Wait();
            LastEpoch = new LoaderStatistics(loaded, loadClock.Elapsed, waitClock.Elapsed);
        }
        finally
        {
            stop.Cancel();
            try
            {
                producer.Wait();
            }
            catch (AggregateException)
            {
            }
        }
    }
}
