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
        var squaredNorms = new double[n];
        for (int i = 0; i < n; i++)
            squaredNorms[i] = double.CreateChecked(CpuBackend.Dot<T>(z.AsSpan(zOffset + i * d, d), z.AsSpan(zOffset + i * d, d)));
        int blocks = (n + RowBlock - 1) / RowBlock;
        CpuParallel.For(blocks, (long)RowBlock * n * d, (startBlock, endBlock) =>
        {
            var tile = new T[RowBlock * ColumnBlock];
            var positiveDistance = new double[RowBlock];
            var negativeDistance = new double[RowBlock];
            var farthestDistance = new double[RowBlock];
            var farthest = new int[RowBlock];
            for (int blk = startBlock; blk < endBlock; blk++)
            {
                int i0 = blk * RowBlock, rows = Math.Min(RowBlock, n - i0);
                positiveDistance.AsSpan().Fill(double.NegativeInfinity);
                negativeDistance.AsSpan().Fill(double.PositiveInfinity);
                farthestDistance.AsSpan().Fill(double.NegativeInfinity);
                positive.AsSpan(positiveOffset + i0, rows).Fill(-1);
                negative.AsSpan(negativeOffset + i0, rows).Fill(-1);
                farthest.AsSpan().Fill(-1);
                // Pass 1: hardest positive; closest and farthest negative.
                ForEachDistance(z, zOffset, squaredNorms, i0, rows, n, d, distance, tile, (r, i, j, dist) =>
                {
                    if (labels[j] == labels[i])
                    {
                        if (j != i && dist > positiveDistance[r]) { positiveDistance[r] = dist; positive[positiveOffset + i] = j; }
                        return;
                    }
                    if (dist > farthestDistance[r]) { farthestDistance[r] = dist; farthest[r] = j; }
                    if (!semiHard && dist < negativeDistance[r]) { negativeDistance[r] = dist; negative[negativeOffset + i] = j; }
                });
                if (semiHard)
                {
                    // Pass 2: the closest negative farther than the hardest positive.
                    ForEachDistance(z, zOffset, squaredNorms, i0, rows, n, d, distance, tile, (r, i, j, dist) =>
                    {
                        if (labels[j] != labels[i] && dist > positiveDistance[r] && dist < negativeDistance[r])
                        {
                            negativeDistance[r] = dist;
                            negative[negativeOffset + i] = j;
                        }
                    });
                    for (int r = 0; r < rows; r++)
                        if (negative[negativeOffset + i0 + r] < 0) negative[negativeOffset + i0 + r] = farthest[r];
                }
                for (int r = 0; r < rows; r++)
                    if (positive[positiveOffset + i0 + r] < 0) negative[negativeOffset + i0 + r] = -1;
            }
        });
    }

    /// <summary>Calls visit(r, i, j, distance) for every anchor i = i0 + r of the block and every row j, j in increasing order.</summary>
    private static void ForEachDistance<T>(T[] z, int zOffset, double[] squaredNorms, int i0, int rows, int n, int d, int distance, T[] tile,
        Action<int, int, int, double> visit) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j0 = 0; j0 < n; j0 += ColumnBlock)
        {
            int cols = Math.Min(ColumnBlock, n - j0);
            var shape = new GemmShape { M = rows, N = cols, K = d, Lda = d, Ldb = d, Ldc = cols, TransposeB = 1, Alpha = 1f, Beta = 0f };
            if (typeof(T) == typeof(float))
                PackedSgemm.Serial((float[])(object)z, zOffset + i0 * d, (float[])(object)z, zOffset + j0 * d, (float[])(object)tile, 0, shape);
            else
                ReferenceGemm.Serial(z, zOffset + i0 * d, z, zOffset + j0 * d, tile, 0, shape, 1.0);
            for (int r = 0; r < rows; r++)
            {
                int i = i0 + r;
                for (int c = 0; c < cols; c++)
                {
                    int j = j0 + c;
                    visit(r, i, j, TripletDistance.FromGram(double.CreateChecked(tile[r * cols + c]), squaredNorms[i], squaredNorms[j], distance));
                }
            }
        }
    }
}
