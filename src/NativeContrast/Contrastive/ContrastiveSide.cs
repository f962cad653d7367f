namespace NativeContrast.Backends;

/// <summary>
/// One direction of a softmax-contrastive loss, per anchor row: positive keys (Int32 index into the
/// other set, or label), the weight 1/|P| of each positive, the log-sum-exp and mean positive logit
/// (written by the forward, the LSE read by the backward) and the loss coefficient (loss weight ×
/// upstream gradient; read by the backward, unused by the forward), and where the shape has thresholds
/// (<see cref="Kernels.ContrastiveShape.HasThreshold"/>) the logit above which a negative leaves the row's sums.
/// </summary>
internal readonly record struct ContrastiveSide(BufferSlice Keys, BufferSlice PositiveWeight, BufferSlice Lse, BufferSlice PositiveLogit, BufferSlice Coefficient,
    BufferSlice Threshold = default);
