using NativeContrast.Data;
using NativeContrast.Nn;

namespace NativeContrast.Evaluation;

/// <summary>An encoder's representations of a dataset: evaluation mode, no graph, batches on the device, rows L2-normalized.</summary>
internal static class Embeddings
{
    public static float[] Compute(Module encoder, ImageDataset data, Device device, out int dim, int batchSize = 1000, CancellationToken cancel = default)
    {
        bool wasTraining = encoder.Training;
        encoder.Eval();
        try
        {
            using var noGrad = GradMode.NoGrad();
            float[]? result = null;
            dim = 0;
            for (int start = 0; start < data.Count; start += batchSize)
            {
                cancel.ThrowIfCancellationRequested();
                using var scope = TensorScope.Begin();
                int n = Math.Min(batchSize, data.Count - start);
                var z = encoder.Forward(data.Images(Enumerable.Range(start, n).ToArray(), device)).L2NormalizeRows();
                dim = z.Shape[1];
                result ??= new float[data.Count * dim];
                z.ToFloatArray().CopyTo(result, start * dim);
            }
            return result ?? [];
        }
        finally
        {
            encoder.Train(wasTraining);
        }
    }
}
