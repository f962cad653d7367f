using System.Numerics;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>
/// Triplet mining on the CPU without the N×N distance matrix: row blocks of anchors in parallel, each
/// streaming Gram tiles z_I·z_Jᵀ (packed SGEMM) turned into distances with the squared norms, keeping
/// a running arg-max over positives and arg-min over negatives per anchor (see
/// <see cref="ContrastiveKernels.TripletMineNaive"/> for the rule). Semi-hard mining needs the
/// hardest positive's distance first, so it streams the tiles twice.
/// </summary>
internal static class CpuTripletMining
{
    private const int RowBlock = 192;
    private const int ColumnBlock = 256;

    public static void Mine<T>(T[] z, int zOffset, int[] labels, int[] positive, int positiveOffset, int[] negative, int negativeOffset,
        int n, int d, int distance, bool semiHard) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var squaredNorms = new T[n];
        for (int i = 0; i < n; i++) squaredNorms[i] = CpuBackend.Dot<T>(z.AsSpan(zOffset + i * d, d), z.AsSpan(zOffset + i * d, d));
        // Mining compares distances only, so Euclidean mines on the squared distance (same order, no root).
        int orderKey = distance == TripletDistance.Euclidean ? TripletDistance.Squared : distance;
        int blocks = (n + RowBlock - 1) / RowBlock;
        CpuParallel.For(blocks, (long)RowBlock * n * d, (startBlock, endBlock) =>
        {
            var tile = new T[RowBlock * ColumnBlock];
            var keyRow = new T[ColumnBlock];
            var positiveDistance = new T[RowBlock];
            var negativeDistance = new T[RowBlock];
            var farthestDistance = new T[RowBlock];
            var farthest = new int[RowBlock];
            for (int blk = startBlock; blk < endBlock; blk++)
            {
                int i0 = blk * RowBlock, rows = Math.Min(RowBlock, n - i0);
                positiveDistance.AsSpan().Fill(T.NegativeInfinity);
                negativeDistance.AsSpan().Fill(T.PositiveInfinity);
                farthestDistance.AsSpan().Fill(T.NegativeInfinity);
                var best = positive.AsSpan(positiveOffset + i0, rows);
                var closest = negative.AsSpan(negativeOffset + i0, rows);
                best.Fill(-1);
                closest.Fill(-1);
                farthest.AsSpan().Fill(-1);
                // Pass 1: hardest positive; closest (batch-hard) and farthest negative.
                for (int j0 = 0; j0 < n; j0 += ColumnBlock)
                {
                    int cols = Math.Min(ColumnBlock, n - j0);
                    GramTile(z, zOffset, i0, rows, j0, cols, d, tile);
                    for (int r = 0; r < rows; r++)
                    {
                        int i = i0 + r, label = labels[i];
                        var keys = Distances(tile.AsSpan(r * cols, cols), squaredNorms[i], squaredNorms.AsSpan(j0, cols), orderKey, keyRow);
                        for (int c = 0; c < cols; c++)
                        {
                            int j = j0 + c;
                            T dist = keys[c];
                            if (labels[j] == label)
                            {
                                if (j != i && dist > positiveDistance[r]) { positiveDistance[r] = dist; best[r] = j; }
                                continue;
                            }
                            if (dist > farthestDistance[r]) { farthestDistance[r] = dist; farthest[r] = j; }
                            if (!semiHard && dist < negativeDistance[r]) { negativeDistance[r] = dist; closest[r] = j; }
                        }
                    }
                }
                if (semiHard)
                {
                    // Pass 2: the closest negative farther than the hardest positive, else the farthest negative.
                    for (int j0 = 0; j0 < n; j0 += ColumnBlock)
                    {
                        int cols = Math.Min(ColumnBlock, n - j0);
                        GramTile(z, zOffset, i0, rows, j0, cols, d, tile);
                        for (int r = 0; r < rows; r++)
                        {
                            int i = i0 + r, label = labels[i];
                            var keys = Distances(tile.AsSpan(r * cols, cols), squaredNorms[i], squaredNorms.AsSpan(j0, cols), orderKey, keyRow);
                            for (int c = 0; c < cols; c++)
                            {
                                T dist = keys[c];
                                if (labels[j0 + c] != label && dist > positiveDistance[r] && dist < negativeDistance[r])
                                {
                                    negativeDistance[r] = dist;
                                    closest[r] = j0 + c;
                                }
                            }
                        }
                    }
                    for (int r = 0; r < rows; r++)
                        if (closest[r] < 0) closest[r] = farthest[r];
                }
                for (int r = 0; r < rows; r++)
                    if (best[r] < 0) closest[r] = -1;
            }
        });
    }

    /// <summary>tile[r, c] = z_{i0+r}·z_{j0+c}.</summary>
    private static void GramTile<T>(T[] z, int zOffset, int i0, int rows, int j0, int cols, int d, T[] tile) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = new GemmShape { M = rows, N = cols, K = d, Lda = d, Ldb = d, Ldc = cols, TransposeB = 1, Beta = 0f };
        CpuGemm.Serial(z, zOffset + i0 * d, z, zOffset + j0 * d, tile, 0, shape, 1.0);
    }

    /// <summary>The distance (or, for Euclidean, its square) from a Gram row and the squared norms.</summary>
    private static Span<T> Distances<T>(Span<T> gram, T squaredNormA, ReadOnlySpan<T> squaredNormsB, int distance, T[] result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var keys = result.AsSpan(0, gram.Length);
        T two = T.CreateChecked(2);
        if (distance == TripletDistance.Cosine)
        {
            for (int c = 0; c < keys.Length; c++) keys[c] = T.One - gram[c] / T.Sqrt(squaredNormA * squaredNormsB[c]);
        }
        else
        {
            for (int c = 0; c < keys.Length; c++) keys[c] = T.Max(squaredNormA + squaredNormsB[c] - two * gram[c], T.Zero);
        }
        return keys;
    }
}
