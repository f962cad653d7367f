namespace NativeContrast.Ops;

/// <summary>
/// One direction of a softmax-contrastive loss: for each anchor row, which candidates are its
/// positives (<see cref="Keys"/>: an index into the candidates, or a label when <see cref="ByLabel"/>),
/// the weight 1/|P| of each positive, and the anchor's weight in the loss (1/N for a mean, 0 for an
/// anchor left out). All three tensors have one entry per anchor and sit on the embeddings' device.
/// <see cref="ExcludePositives"/>: the positives leave the anchor's log-sum-exp (DCL; the debiased losses' negatives).
/// <see cref="Threshold"/> (per anchor, optional): the negatives whose logit lies above it leave it too (drop-top).
/// </summary>
internal sealed record SoftmaxDirection(Tensor Keys, Tensor PositiveWeight, Tensor LossWeight, bool ByLabel, bool ExcludePositives = false, Tensor? Threshold = null);
