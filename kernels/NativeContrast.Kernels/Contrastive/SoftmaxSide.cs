using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// One direction of a softmax-contrastive pass as every kernel variant reads and writes it, per anchor row: its positive
/// key (the index of its positive among the candidates, or its label), the weight 1/|P| of each of its positives, its
/// log-sum-exp and mean positive logit (written by the forward; the LSE read by the backward) and its loss coefficient
/// (read by the backward). The ILGPU face of the host's <c>ContrastiveSide</c>: one struct instead of five views per side
/// in every kernel's parameter list. A view a pass does not use is never read (any view may stand in).
/// </summary>
public struct SoftmaxSide
{
    /// <summary>Each row's positive key: the index of its positive among the candidates, or its label.</summary>
    public ArrayView<int> Keys;
    /// <summary>Per row: the weight 1/|P| of each positive, the log-sum-exp and mean positive logit (written by the forward), the loss coefficient (read by the backward).</summary>
    public ArrayView<float> PositiveWeight, Lse, PositiveLogit, Coefficient;
    /// <summary>Per row: the logit above which a negative leaves the row's sums (read only when the shape's <see cref="ContrastiveShape.HasThreshold"/> is set).</summary>
    public ArrayView<float> Threshold;
}
