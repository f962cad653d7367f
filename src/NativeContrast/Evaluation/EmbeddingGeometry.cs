using NativeContrast.Augmentation;
using NativeContrast.Data;
using NativeContrast.Losses;
using NativeContrast.Nn;
using NativeContrast.Ops;

namespace NativeContrast.Evaluation;

/// <summary>
/// Alignment and uniformity of an encoder's normalized embeddings (Wang and Isola 2020), what a contrastive loss trades off:
/// alignment = mean over images of ‖f(x) − f(x')‖² for two augmented views x, x' (lower: views closer);
/// uniformity = ln mean over pairs i ≠ k of exp(−2‖f_i − f_k‖²) (lower: spread more evenly over the sphere).
/// </summary>
public static class EmbeddingGeometry
{
    /// <summary>
    /// Uniformity of <paramref name="count"/> L2-normalized rows of <paramref name="features"/> [count, dim]. For unit rows
    /// −2‖u − v‖² = 4u·v − 4, so it is ln Σ_i exp(LSE_i) − ln(count(count − 1)) − 4 with LSE_i = ln Σ_{k≠i} exp(4 u_i·u_k):
    /// the fused per-row log-sum-exp of the contrastive losses at 1/τ = 4, never the count × count matrix.
    /// </summary>
    public static double Uniformity(float[] features, int count, int dim, Device device)
    {
        if (count < 2) throw new ArgumentException($"Uniformity needs at least two embeddings; got {count}.", nameof(count));
        using var noGrad = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        var z = Tensor.FromArray(features, [count, dim], device);
        var next = Enumerable.Range(0, count).Select(i => (i + 1) % count).ToArray();
        var lse = RowLogSumExpOp.Forward(new KernelRows(z, null, null), SoftmaxDirections.OnePositive(next, 1.0, z), ContrastiveTemperature.Fixed(0.25)).ToDoubleArray();
        double max = lse.Max();
        double total = max + Math.Log(lse.Sum(v => Math.Exp(v - max)));
        return total - Math.Log((double)count * (count - 1)) - 4;
    }

    /// <summary>
    /// Retrieval of an image's own other view, for data without labels: each held-out image's first augmented view queries
    /// the second views of all of them (cosine similarity); top-1 = the share whose own second view ranks first, top-5 =
    /// among the first five.
    /// </summary>
    public static (double Top1, double Top5) ViewRetrieval(Module encoder, ImageDataset data, AugmentationPipeline augmentation, Device device, int seed = 1,
        int batchSize = 500, CancellationToken cancel = default)
    {
        var (first, second, dim) = EncodeViews(encoder, data, augmentation, device, seed, batchSize, cancel);
        return ViewRetrieval(first, second, data.Count, dim);
    }

    /// <summary>Alignment and own-view retrieval from one encoding of the two views (what an evaluation without labels reports).</summary>
    public static (double Alignment, double Top1, double Top5) ViewMeasures(Module encoder, ImageDataset data, AugmentationPipeline augmentation, Device device,
        int seed = 1, int batchSize = 500, CancellationToken cancel = default)
    {
        var (first, second, dim) = EncodeViews(encoder, data, augmentation, device, seed, batchSize, cancel);
        var (top1, top5) = ViewRetrieval(first, second, data.Count, dim);
        return (Alignment(first, second, data.Count), top1, top5);
    }

    private static (double Top1, double Top5) ViewRetrieval(float[] first, float[] second, int count, int dim)
    {
        int top1 = 0, top5 = 0;
        Neighbours.ForEachQuery(second, first, count, dim, Math.Min(5, count), excludeSelf: false, (q, indices, _) =>
        {
            if (indices.Length > 0 && indices[0] == q) Interlocked.Increment(ref top1);
            if (indices.Contains(q)) Interlocked.Increment(ref top5);
        });
        return ((double)top1 / count, (double)top5 / count);
    }

    /// <summary>The normalized embeddings of each image's two augmented views (the views Alignment and ViewRetrieval measure).</summary>
    private static (float[] First, float[] Second, int Dim) EncodeViews(Module encoder, ImageDataset data, AugmentationPipeline augmentation, Device device, int seed,
        int batchSize, CancellationToken cancel)
    {
        bool wasTraining = encoder.Training;
        encoder.Eval();
        try
        {
            using var noGrad = GradMode.NoGrad();
            float[]? first = null, second = null;
            int dim = 0;
            for (int start = 0; start < data.Count; start += batchSize)
            {
                cancel.ThrowIfCancellationRequested();
                using var scope = TensorScope.Begin();
                int n = Math.Min(batchSize, data.Count - start);
                var views = augmentation.Views(data.Images(Enumerable.Range(start, n).ToArray(), device), 2, Seeds.Mix(seed, start, 0xA11));
                var z = encoder.Forward(views).L2NormalizeRows();
                dim = z.Shape[1];
                first ??= new float[data.Count * dim];
                second ??= new float[data.Count * dim];
                z.Rows(0, n).ToFloatArray().CopyTo(first, start * dim);
                z.Rows(n, n).ToFloatArray().CopyTo(second, start * dim);
            }
            return (first ?? [], second ?? [], dim);
        }
        finally
        {
            encoder.Train(wasTraining);
        }
    }

    /// <summary>
    /// Alignment over <paramref name="data"/>: each image's two views by <paramref name="augmentation"/> (the training
    /// pipeline; the views fixed by <paramref name="seed"/> and the batch), encoded in evaluation mode and normalized.
    /// </summary>
    public static double Alignment(Module encoder, ImageDataset data, AugmentationPipeline augmentation, Device device, int seed = 1, int batchSize = 500,
        CancellationToken cancel = default)
    {
        var (first, second, _) = EncodeViews(encoder, data, augmentation, device, seed, batchSize, cancel);
        return Alignment(first, second, data.Count);
    }

    /// <summary>Mean over the images of ‖first − second‖² (rows of the two views' embeddings).</summary>
    private static double Alignment(float[] first, float[] second, int count)
    {
        double sum = 0;
        for (int k = 0; k < first.Length; k++) sum += (first[k] - second[k]) * (double)(first[k] - second[k]);
        return sum / Math.Max(1, count);
    }
}
