using NativeContrast.Distributed;
using NativeContrast.Losses;
using NativeContrast.Nn;
using NativeContrast.Optim;

namespace NativeContrast.Training;

/// <summary>
/// MoCo v2: the queries are the first views through the trained encoder and head; the keys, the second views through
/// a key encoder and head that follow them as an exponential moving average (no gradient). InfoNCE scores each query
/// against its key and a FIFO queue of past keys, which then takes the newest keys.
/// </summary>
internal sealed class MoCoMethod : ContrastiveMethod
{
    private readonly Module keyEncoder;
    private readonly ProjectionHead keyHead;
    private readonly ExponentialMovingAverage keyAverage;
    private readonly Tensor queue;
    private readonly Communicator communicator;
    private int queuePointer;

    public MoCoMethod(TrainingConfig config, int channels, Device device, Module encoder, ProjectionHead head, Communicator communicator)
    {
        this.communicator = communicator;
        keyEncoder = TrainingModels.Encoder(config, channels, device);
        keyHead = TrainingModels.Head(config, device);
        keyAverage = new ExponentialMovingAverage(new ModulePair(keyEncoder, keyHead), new ModulePair(encoder, head), config.KeyMomentum);
        keyAverage.CopySource();
        using var scope = TensorScope.Begin();
        queue = scope.Keep(Tensor.RandomNormal([config.QueueSize, config.ProjectionDim], config.Seed + 7, device).L2NormalizeRows()).CloneUnscoped();
    }

    public override Tensor Loss(MethodBatch batch)
    {
        int n = batch.Batch.Count;
        var q = batch.Projections.Rows(0, n);
        Tensor k;
        int shard = batch.LocalViews.Shape[0] / 2;
        using (GradMode.NoGrad()) k = keyHead.Forward(keyEncoder.Forward(batch.LocalViews.Rows(shard, shard))).L2NormalizeRows().AllGatherRows(communicator);
        var infoNce = batch.LearnedTemperature is { } learned ? new InfoNceLoss(learned) : new InfoNceLoss(batch.Temperature);
        var loss = infoNce.Forward(q, k, queue, null);
        Enqueue(k);
        return loss;
    }

    /// <summary>The FIFO queue: the newest keys replace the oldest.</summary>
    private void Enqueue(Tensor keys)
    {
        using var noGrad = GradMode.NoGrad();
        int n = keys.Shape[0];
        for (int start = 0; start < n;)
        {
            int take = Math.Min(n - start, queue.Shape[0] - queuePointer);
            queue.Rows(queuePointer, take).CopyFrom(keys.Rows(start, take));
            start += take;
            queuePointer = (queuePointer + take) % queue.Shape[0];
        }
    }

    public override void AfterStep() => keyAverage.Update();

    public override IEnumerable<Tensor> SharedState => [queue];

    public override void AfterBroadcast() => keyAverage.CopySource();

    public override void AddToCheckpoint(IDictionary<string, Tensor> tensors)
    {
        foreach (var (name, t) in keyEncoder.StateDict()) tensors["key_encoder." + name] = t;
        foreach (var (name, t) in keyHead.StateDict()) tensors["key_head." + name] = t;
        tensors["queue"] = queue;
        tensors["queue_pointer"] = Tensor.FromArray([queuePointer], [1], queue.Device); // freed by the caller's scope
    }

    public override void Restore(Checkpoint checkpoint)
    {
        using var noGrad = GradMode.NoGrad();
        keyEncoder.LoadStateDict(checkpoint.Section("key_encoder."));
        keyHead.LoadStateDict(checkpoint.Section("key_head."));
        queue.CopyFrom(checkpoint.Tensors["queue"].To(queue.Device));
        queuePointer = checkpoint.Tensors["queue_pointer"].ToIntArray()[0];
    }

    public override void Dispose()
    {
        keyEncoder.Dispose();
        keyHead.Dispose();
        queue.Dispose();
    }

    /// <summary>Two modules seen as one (for the moving average of encoder + head).</summary>
    private sealed class ModulePair : Module
    {
        public ModulePair(Module first, Module second)
        {
            AddModule("a", first);
            AddModule("b", second);
        }

        public override Tensor Forward(Tensor x) => throw new NotSupportedException();
    }
}
