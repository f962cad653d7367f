namespace NativeContrast.Evaluation;

/// <summary>Exact nearest neighbours by cosine similarity of L2-normalized rows: similarity tiles from the SGEMM, top-k per query.</summary>
internal static class Neighbours
{
    /// <summary>
    /// Calls visit(query, indices, similarities) with the k most similar gallery rows of each query, best
    /// first (ties: lower index first); queries run in parallel. With <paramref name="excludeSelf"/> the
    /// gallery is the query set and each query skips itself.
    /// </summary>
    public static void ForEachQuery(float[] gallery, float[] queries, int queryCount, int dim, int k, bool excludeSelf, Action<int, int[], float[]> visit)
    {
        int galleryCount = gallery.Length / dim;
        const int Chunk = 256;
        using var g = Tensor.FromArray(gallery, [galleryCount, dim], Device.Cpu);
        for (int start = 0; start < queryCount; start += Chunk)
        {
            int n = Math.Min(Chunk, queryCount - start);
            using var scope = TensorScope.Begin();
            using var noGrad = GradMode.NoGrad();
            var q = Tensor.FromArray(queries.AsSpan(start * dim, n * dim).ToArray(), [n, dim], Device.Cpu);
            var sims = Tensor.Matmul(q, g, transposeB: true).ToFloatArray();
            Parallel.For(0, n, i =>
            {
                var row = sims.AsSpan(i * galleryCount, galleryCount);
                int self = excludeSelf ? start + i : -1;
                var (indices, values) = TopK(row, k, self);
                visit(start + i, indices, values);
            });
        }
    }

    /// <summary>The k largest entries (skipping <paramref name="skip"/>), largest first, ties to the lower index.</summary>
    public static (int[] Indices, float[] Values) TopK(ReadOnlySpan<float> row, int k, int skip)
    {
        k = Math.Min(k, row.Length - (skip >= 0 ? 1 : 0));
        var heap = new PriorityQueue<int, (float, int)>(k + 1, Comparer<(float Value, int Index)>.Create((a, b) =>
            a.Value != b.Value ? a.Value.CompareTo(b.Value) : b.Index.CompareTo(a.Index)));
        for (int j = 0; j < row.Length; j++)
        {
            if (j == skip) continue;
            if (heap.Count < k) heap.Enqueue(j, (row[j], j));
            else if (heap.TryPeek(out _, out var worst) && (row[j] > worst.Item1 || (row[j] == worst.Item1 && j < worst.Item2))) heap.EnqueueDequeue(j, (row[j], j));
        }
        var indices = new int[heap.Count];
        var values = new float[heap.Count];
        for (int i = indices.Length - 1; i >= 0; i--)
        {
            heap.TryDequeue(out var index, out var priority);
            indices[i] = index;
            values[i] = priority.Item1;
        }
        return (indices, values);
    }
}
