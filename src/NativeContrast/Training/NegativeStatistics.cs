namespace NativeContrast.Training;

/// <summary>
/// The false-negative picture of one SimCLR batch, from its projections [2n, P] (view 1 of every image, then view 2) and
/// the images' true labels, which the loss never sees unless they are shown to it. Over the ordered pairs (i, k) of
/// negatives (k ∉ {i, p(i)}): the share whose rows are of one class, and the mean cosine similarity of those and of
/// the others. O(N·P): with y the normalized rows and s_c the sum of class c's rows, the same-class pairs' similarities
/// sum to Σ_c ‖s_c‖² − N − 2 Σ_j y_j·y_{j+n} (all pairs k ≠ i of a class, less the positive pairs), all pairs' to
/// ‖Σ_i y_i‖² − N; never the N×N matrix.
/// </summary>
internal readonly record struct NegativeStatistics(double SameClassShare, double SameClassSimilarity, double OtherSimilarity)
{
    /// <summary>
    /// The three sums the statistics need, on the projections' device, not read back yet (the trainer reads them with the
    /// loss in one read): Σ_c ‖s_c‖², ‖Σ_i y_i‖², Σ_j y_j·y_{j+n}.
    /// </summary>
    public static Tensor Sums(Tensor projections, int[] imageLabels)
    {
        using var noGrad = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        int n = imageLabels.Length, rows = 2 * n;
        int classes = imageLabels.Max() + 1;
        var oneHot = new float[classes * rows];
        for (int r = 0; r < rows; r++) oneHot[imageLabels[r % n] * rows + r] = 1f;
        var y = projections.Detach().L2NormalizeRows();
        var classSums = Tensor.Matmul(Tensor.FromArray(oneHot, [classes, rows], y.Device).ToDType(y.DType), y);
        var total = y.Sum(0);
        return scope.Keep(Tensor.Concat([
            (classSums * classSums).Sum().Reshape(1),
            (total * total).Sum().Reshape(1),
            (y.Rows(0, n) * y.Rows(n, n)).Sum().Reshape(1),
        ]));
    }

    /// <summary>The statistics from <see cref="Sums"/>'s values and the labels.</summary>
    public static NegativeStatistics FromSums(ReadOnlySpan<double> sums, int[] imageLabels)
    {
        int rows = 2 * imageLabels.Length;
        double sameClassSquares = sums[0], allSquares = sums[1], positivePairs = 2 * sums[2];
        var counts = imageLabels.GroupBy(l => l).Select(g => 2.0 * g.Count()).ToArray();
        double sameClassPairs = counts.Sum(m => m * (m - 1)) - rows, allNegativePairs = (double)rows * (rows - 2);
        double sameClassSum = sameClassSquares - rows - positivePairs, allNegativeSum = allSquares - rows - positivePairs;
        double otherPairs = allNegativePairs - sameClassPairs;
        return new NegativeStatistics(
            sameClassPairs / allNegativePairs,
            sameClassPairs > 0 ? sameClassSum / sameClassPairs : double.NaN,
            otherPairs > 0 ? (allNegativeSum - sameClassSum) / otherPairs : double.NaN);
    }

    /// <summary>
    /// drop-top's precision as a detector of false negatives: of the negatives the loss dropped (<paramref name="dropped"/>,
    /// [2n·K] row-major, −1 for none), the share whose image has the anchor's class (row r is image r mod n). NaN when
    /// nothing was dropped.
    /// </summary>
    public static double DropTopPrecision(int[] dropped, int[] imageLabels)
    {
        int n = imageLabels.Length, rows = 2 * n, k = dropped.Length / rows, total = 0, same = 0;
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < k; j++)
            {
                int c = dropped[r * k + j];
                if (c < 0) continue;
                total++;
                if (imageLabels[c % n] == imageLabels[r % n]) same++;
            }
        return total == 0 ? double.NaN : (double)same / total;
    }

    /// <summary>Sums, read back, and the statistics from them.</summary>
    public static NegativeStatistics Measure(Tensor projections, int[] imageLabels)
    {
        using var sums = Sums(projections, imageLabels);
        return FromSums(sums.ToDoubleArray(), imageLabels);
    }
}
