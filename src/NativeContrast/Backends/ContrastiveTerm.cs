namespace NativeContrast.Backends;

/// <summary>
/// One softmax direction's per-anchor statistics for a contrastive backward pass: the log-sum-exp
/// saved by the forward, the anchor's loss coefficient (its weight in the mean times the upstream
/// gradient; 0 for anchors left out) and the weight 1/|P| of each of its positives.
/// </summary>
internal readonly record struct ContrastiveTerm(BufferSlice Lse, BufferSlice Coefficient, BufferSlice PositiveWeight);
