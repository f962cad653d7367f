namespace NativeContrast.Losses;

/// <summary>
/// One call's inputs for a loss of the <see cref="LossCatalog"/>: the embeddings [N, D] and what the loss's
/// entry says it reads (keys [M, D]; int labels or positive indices [N], on the embeddings' device).
/// </summary>
public sealed record LossArguments(Tensor Embeddings, Tensor? Keys = null, Tensor? Labels = null, Tensor? Positives = null);
