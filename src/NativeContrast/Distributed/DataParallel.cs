using NativeContrast.Nn;

namespace NativeContrast.Distributed;

/// <summary>
/// Data-parallel training over a <see cref="Communicator"/>: every rank holds the same weights, takes
/// its shard of every batch, and gathers the embeddings of all ranks before the loss (global
/// negatives). The objective is the mean over ranks of each rank's loss; when every rank computes the
/// same loss on the gathered embeddings, that is exactly the loss of one process on the whole batch.
/// </summary>
public static class DataParallel
{
    /// <summary>
    /// The rows of every rank, in rank order (autograd op). Backward sums the gradient over the ranks and
    /// hands each rank its own rows, so a rank's parameters get the gradient of every rank's loss.
    /// </summary>
    public static Tensor AllGatherRows(this Tensor x, Communicator communicator) =>
        communicator.IsDistributed ? AllGatherRowsOp.Forward(x, communicator) : x;

    /// <summary>
    /// Gathers embeddings laid out view after view on each rank ([V·b, D]: view v of local image i at
    /// row v·b + i) into the same layout over the whole batch ([V·K·b, D]: view v of global image
    /// r·b + i at row v·K·b + r·b + i), the layout single-process training has on the unsharded batch.
    /// </summary>
    public static Tensor AllGatherViews(this Tensor x, int views, Communicator communicator)
    {
        if (!communicator.IsDistributed) return x;
        int rows = x.Shape[0];
        if (views < 1 || rows % views != 0)
            throw new ArgumentException($"AllGatherViews: {rows} rows do not split into {views} views.", nameof(x));
        var gathered = x.AllGatherRows(communicator);
        int perView = rows / views;
        var parts = new List<Tensor>(views * communicator.Size);
        for (int v = 0; v < views; v++)
            for (int r = 0; r < communicator.Size; r++)
                parts.Add(gathered.Rows(r * rows + v * perView, perView));
        return Tensor.Concat(parts);
    }

    /// <summary>This rank's images of a batch: rows [rank·b, (rank + 1)·b) of each of the V views ([V·B, …] in, [V·b, …] out).</summary>
    public static Tensor ShardViews(Tensor views, int viewCount, Communicator communicator)
    {
        if (!communicator.IsDistributed) return views;
        int batch = views.Shape[0] / viewCount;
        int shard = ShardSize(batch, communicator);
        var parts = new Tensor[viewCount];
        for (int v = 0; v < viewCount; v++) parts[v] = views.Rows(v * batch + communicator.Rank * shard, shard);
        return Tensor.Concat(parts);
    }

    /// <summary>Images per rank for a global batch; the batch must split evenly.</summary>
    public static int ShardSize(int batch, Communicator communicator)
    {
        if (batch % communicator.Size != 0)
            throw new ArgumentException($"A batch of {batch} images does not split evenly over {communicator.Size} ranks; use a batch size divisible by {communicator.Size}.");
        return batch / communicator.Size;
    }

    /// <summary>Copies rank 0's values of these tensors (weights, buffers) to every rank.</summary>
    public static void Broadcast(IEnumerable<Tensor> tensors, Communicator communicator)
    {
        if (!communicator.IsDistributed) return;
        var list = tensors.ToList();
        var flat = new double[list.Sum(t => t.Count)];
        int offset = 0;
        foreach (var t in list)
        {
            t.ToDoubleArray().CopyTo(flat, offset);
            offset += t.Count;
        }
        communicator.Broadcast<double>(flat);
        WriteBack(list, flat);
    }

    /// <summary>
    /// Replaces each parameter's gradient by its mean over the ranks (one all-reduce of all gradients;
    /// a parameter without a gradient counts as zero and gets one, so every rank updates the same set).
    /// </summary>
    public static void AverageGradients(IEnumerable<Tensor> parameters, Communicator communicator)
    {
        if (!communicator.IsDistributed) return;
        var list = parameters.ToList();
        var flat = new float[list.Sum(t => t.Count)];
        int offset = 0;
        foreach (var p in list)
        {
            if (p.Grad is not null) p.Grad.ToFloatArray().CopyTo(flat, offset);
            offset += p.Count;
        }
        communicator.AllReduceSum<float>(flat);
        float scale = 1f / communicator.Size;
        for (int i = 0; i < flat.Length; i++) flat[i] *= scale;
        offset = 0;
        using var noGrad = GradMode.NoGrad();
        foreach (var p in list)
        {
            var values = flat.AsSpan(offset, p.Count).ToArray();
            offset += p.Count;
            using var scope = TensorScope.Begin();
            var mean = p.DType == DType.Float64
                ? Tensor.FromArray(Array.ConvertAll(values, v => (double)v), p.ShapeArray, p.Device)
                : Tensor.FromArray(values, p.ShapeArray, p.Device);
            if (p.Grad is null) p.Grad = mean.CloneUnscoped();
            else p.Grad.CopyFrom(mean);
        }
    }

    /// <summary>Makes every batch norm inside <paramref name="module"/> use statistics over all ranks.</summary>
    public static void SynchronizeBatchNorm(Module module, Communicator communicator)
    {
        foreach (var bn in module.Modules().OfType<BatchNorm>()) bn.SyncGroup = communicator;
    }

    /// <summary>Whether any rank asks to stop (for example after Ctrl-C), so that all stop at the same step.</summary>
    public static bool AnyRank(bool value, Communicator communicator)
    {
        if (!communicator.IsDistributed) return value;
        Span<int> flag = [value ? 1 : 0];
        communicator.AllReduceMax(flag);
        return flag[0] != 0;
    }

    private static void WriteBack(List<Tensor> tensors, double[] flat)
    {
        using var noGrad = GradMode.NoGrad();
        int offset = 0;
        foreach (var t in tensors)
        {
            var values = flat.AsSpan(offset, t.Count).ToArray();
            offset += t.Count;
            using var scope = TensorScope.Begin();
            var source = t.DType switch
            {
                DType.Float64 => Tensor.FromArray(values, t.ShapeArray, t.Device),
                DType.Int32 => Tensor.FromArray(Array.ConvertAll(values, v => (int)v), t.ShapeArray, t.Device),
                _ => Tensor.FromArray(Array.ConvertAll(values, v => (float)v), t.ShapeArray, t.Device),
            };
            t.CopyFrom(source);
        }
    }
}
