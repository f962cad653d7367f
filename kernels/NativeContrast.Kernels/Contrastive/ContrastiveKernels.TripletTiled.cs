using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// Variant 2 of triplet mining: the tiled kernels' 64 × 64 Gram blocks (<see cref="DotTile"/>), a
/// streaming arg-max / arg-min per anchor and thread, then a shuffle merge over the 16 threads of each
/// row. Same rule and tie-breaking (lowest index) as <see cref="TripletMineNaive"/>.
/// </summary>
public static partial class ContrastiveKernels
{
    /// <summary>squaredNorm[r] = |z_r|² of the scaled rows (one thread per row; the mining kernels read it).</summary>
    public static void RowSquaredNorms(Index1D r, ViewRows z, ArrayView<float> squaredNorm, int d) => squaredNorm[r] = Dot(z, r, z, r, d);

    /// <summary>
    /// Grid: ⌈n/64⌉ groups of 16×16 threads. Pass 1 (semiHard = 0): positive[a] = the farthest row with a's
    /// label, its distance in positiveDistance[a], and negative[a] = the closest row with another label.
    /// Pass 2 (semiHard = 1, after pass 1): negative[a] = the closest other-label row farther than
    /// positiveDistance[a], else the farthest other-label row. −1 where none exists (and as negative
    /// wherever the positive is −1).
    /// </summary>
    public static void TripletMineTiled<TExchange>(ViewRows z, ArrayView<float> squaredNorm, ArrayView<int> labels,
        ArrayView<int> positive, ArrayView<int> negative, ArrayView<float> positiveDistance, int n, int d, int distance, int semiHard)
        where TExchange : struct, ILaneExchange<TExchange>
    {
        var exchange = default(TExchange).Prepare();
        var tileA = SharedMemory.Allocate<float>(DepthChunk * Pad);
        var tileB = SharedMemory.Allocate<float>(DepthChunk * Pad);
        int tx = Group.IdxX, rowBase = Grid.IdxX * TileRows, firstRow = rowBase + Group.IdxY * 4;
        ArgBest p0 = ArgBest.Empty(true), p1 = ArgBest.Empty(true), p2 = ArgBest.Empty(true), p3 = ArgBest.Empty(true);
        ArgBest n0 = ArgBest.Empty(false), n1 = ArgBest.Empty(false), n2 = ArgBest.Empty(false), n3 = ArgBest.Empty(false);
        ArgBest f0 = ArgBest.Empty(true), f1 = ArgBest.Empty(true), f2 = ArgBest.Empty(true), f3 = ArgBest.Empty(true);
        var rowLabels = Int4.LoadGuarded(labels, firstRow, 1, n);
        var rowNorms = Float4.LoadGuarded(squaredNorm, firstRow, 1, n);
        var threshold = semiHard != 0 ? Float4.LoadGuarded(positiveDistance, firstRow, 1, n) : default;
        for (int colBase = 0; colBase < n; colBase += TileRows)
        {
            var gram = DotTile(z, rowBase, n, z, colBase, n, d, tileA, tileB);
            for (int j = 0; j < 4; j++)
            {
                int column = colBase + tx + GroupSide * j;
                if (column >= n) continue;
                int columnLabel = labels[column];
                float columnNorm = squaredNorm[column];
                for (int i = 0; i < 4; i++)
                {
                    int row = firstRow + i;
                    if (row >= n || row == column) continue;
                    float dist = TripletDistance.FromGram(gram.Row(i).Get(j), rowNorms.Get(i), columnNorm, distance);
                    bool same = columnLabel == rowLabels.Get(i);
                    // Positives (pass 1), nearest negatives (pass 1: any; pass 2: beyond the positive), farthest negatives (pass 2's fallback).
                    bool positiveCandidate = same && semiHard == 0;
                    bool negativeCandidate = !same && (semiHard == 0 || dist > threshold.Get(i));
                    bool farCandidate = !same && semiHard != 0;
                    if (i == 0) { p0 = positiveCandidate ? p0.Offer(dist, column, true) : p0; n0 = negativeCandidate ? n0.Offer(dist, column, false) : n0; f0 = farCandidate ? f0.Offer(dist, column, true) : f0; }
                    else if (i == 1) { p1 = positiveCandidate ? p1.Offer(dist, column, true) : p1; n1 = negativeCandidate ? n1.Offer(dist, column, false) : n1; f1 = farCandidate ? f1.Offer(dist, column, true) : f1; }
                    else if (i == 2) { p2 = positiveCandidate ? p2.Offer(dist, column, true) : p2; n2 = negativeCandidate ? n2.Offer(dist, column, false) : n2; f2 = farCandidate ? f2.Offer(dist, column, true) : f2; }
                    else { p3 = positiveCandidate ? p3.Offer(dist, column, true) : p3; n3 = negativeCandidate ? n3.Offer(dist, column, false) : n3; f3 = farCandidate ? f3.Offer(dist, column, true) : f3; }
                }
            }
        }
        p0 = p0.MergeAcross16Lanes(true, exchange); n0 = n0.MergeAcross16Lanes(false, exchange); f0 = f0.MergeAcross16Lanes(true, exchange);
        p1 = p1.MergeAcross16Lanes(true, exchange); n1 = n1.MergeAcross16Lanes(false, exchange); f1 = f1.MergeAcross16Lanes(true, exchange);
        p2 = p2.MergeAcross16Lanes(true, exchange); n2 = n2.MergeAcross16Lanes(false, exchange); f2 = f2.MergeAcross16Lanes(true, exchange);
        p3 = p3.MergeAcross16Lanes(true, exchange); n3 = n3.MergeAcross16Lanes(false, exchange); f3 = f3.MergeAcross16Lanes(true, exchange);
        if (tx != 0) return;
        WriteMined(firstRow, n, semiHard, p0, n0, f0, positive, negative, positiveDistance);
        WriteMined(firstRow + 1, n, semiHard, p1, n1, f1, positive, negative, positiveDistance);
        WriteMined(firstRow + 2, n, semiHard, p2, n2, f2, positive, negative, positiveDistance);
        WriteMined(firstRow + 3, n, semiHard, p3, n3, f3, positive, negative, positiveDistance);
    }

    private static void WriteMined(int row, int n, int semiHard, ArgBest bestPositive, ArgBest nearest, ArgBest farthest,
        ArrayView<int> positive, ArrayView<int> negative, ArrayView<float> positiveDistance)
    {
        if (row >= n) return;
        if (semiHard == 0)
        {
            positive[row] = bestPositive.Index;
            positiveDistance[row] = bestPositive.Value;
            negative[row] = bestPositive.Index < 0 ? -1 : nearest.Index;
            return;
        }
        if (positive[row] < 0) return; // pass 1 already wrote −1
        negative[row] = nearest.Index >= 0 ? nearest.Index : farthest.Index;
    }
}
