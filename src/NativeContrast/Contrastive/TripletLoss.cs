namespace NativeContrast.Losses;

/// <summary>
/// Triplet loss with in-batch mining. For each anchor a the miner picks a positive p (same label) and a
/// negative n (another label) by <see cref="Mining"/>; the loss is the mean over anchors that have both of
/// max(d(a,p) − d(a,n) + margin, 0) (hinge) or ln(1 + exp(d(a,p) − d(a,n))) (soft margin).
/// Mining is the O(N²) part and is fused: streaming arg-max / arg-min per anchor over Gram tiles,
/// no N×N distance matrix (<c>TripletMine</c> on every backend). Mining picks indices, which carry no
/// gradient; the chosen triplets' two distances come from one fused op that reads the rows in place
/// (<c>PairDistanceOp</c>, O(N) memory), and the hinge is O(N) primitive ops, so the backward touches only
/// the three rows of each triplet.
/// </summary>
public sealed class TripletLoss
{
    /// <param name="margin">The hinge margin (&gt; 0; ignored with <paramref name="softMargin"/>). 0.2 is FaceNet's for normalized embeddings.</param>
    /// <param name="mining">Batch-hard (default) or semi-hard.</param>
    /// <param name="distance">Euclidean (default), squared Euclidean or cosine distance.</param>
    /// <param name="softMargin">ln(1 + e^x) in place of the hinge (Hermans et al.).</param>
    /// <param name="normalize">L2-normalize rows first.</param>
    public TripletLoss(double margin = 0.2, TripletMining mining = TripletMining.Hard, DistanceMetric distance = DistanceMetric.Euclidean,
        bool softMargin = false, bool normalize = true)
    {
        if (!softMargin && (!(margin > 0) || double.IsInfinity(margin)))
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "The triplet margin must be a finite number greater than 0.");
        if (!Enum.IsDefined(mining)) throw new ArgumentOutOfRangeException(nameof(mining), mining, "Unknown triplet mining.");
        if (!Enum.IsDefined(distance)) throw new ArgumentOutOfRangeException(nameof(distance), distance, "Unknown distance.");
        Margin = margin;
        Mining = mining;
        Distance = distance;
        SoftMargin = softMargin;
        Normalize = normalize;
    }

    /// <summary>The margin m in max(d(a, p) − d(a, n) + m, 0).</summary>
    public double Margin { get; }

    /// <summary>How negatives (and positives) are chosen within the batch.</summary>
    public TripletMining Mining { get; }

    /// <summary>The distance between embeddings.</summary>
    public DistanceMetric Distance { get; }

    /// <summary>Use log(1 + exp(d(a, p) − d(a, n))) instead of the hinge.</summary>
    public bool SoftMargin { get; }

    /// <summary>Whether rows are L2-normalized first.</summary>
    public bool Normalize { get; }

    /// <summary>The loss for embeddings <paramref name="z"/> [N, D] with Int32 <paramref name="labels"/> [N].</summary>
    public Tensor Forward(Tensor z, Tensor labels)
    {
        const string loss = "Triplet";
        // The check's pass gives the norms: mining and distances read each row times 1/‖z‖ (no normalized copy).
        var rows = LossInputs.Embeddings(loss, "embeddings", z, Normalize, 3, "an anchor, a positive and a negative",
            rejectZeroRows: Distance == DistanceMetric.Cosine);
        int n = z.ShapeArray[0], d = z.ShapeArray[1];
        LossInputs.IntVector(loss, nameof(labels), labels, n, z.Device);
        var (anchors, positives, negatives) = Mine(rows, labels, n, d);
        if (anchors.Length == 0)
            throw new ArgumentException($"{loss}: no anchor has both a positive (another row with its label) and a negative (a row with another label).", nameof(labels));
        // Both distances of every triplet in one fused op: the pairs (a, p) then (a, n).
        int k = anchors.Length;
        var distances = Ops.PairDistanceOp.Forward(rows, [.. anchors, .. anchors], [.. positives, .. negatives], (int)Distance);
        var gap = distances.Rows(0, k) - distances.Rows(k, k);
        var perAnchor = SoftMargin ? Softplus(gap) : (gap + Margin).Relu();
        return perAnchor.Mean();
    }

    /// <summary>The anchors with a mined positive and negative, and those two rows' indices.</summary>
    private (int[] Anchors, int[] Positives, int[] Negatives) Mine(Ops.KernelRows rows, Tensor labels, int n, int d)
    {
        using var scope = TensorScope.Begin();
        var x = rows.Input;
        var positive = Tensor.Empty([n], x.Device, DType.Int32);
        var negative = Tensor.Empty([n], x.Device, DType.Int32);
        x.Backend.TripletMine(rows.View, labels.Data, positive.Data, negative.Data, n, d, (int)Distance, Mining == TripletMining.SemiHard);
        var pos = positive.ToIntArray();
        var neg = negative.ToIntArray();
        var anchors = Enumerable.Range(0, n).Where(i => pos[i] >= 0 && neg[i] >= 0).ToArray();
        return (anchors, anchors.Select(i => pos[i]).ToArray(), anchors.Select(i => neg[i]).ToArray());
    }

    /// <summary>ln(1 + eˣ) = max(x, 0) + ln(1 + e^−|x|), stable for large |x|.</summary>
    private static Tensor Softplus(Tensor x) => x.Relu() + ((-x.Abs()).Exp() + 1.0).Log();
}
