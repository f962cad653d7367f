namespace NativeContrast.Kernels;

/// <summary>
/// Sizes and flags of one softmax-contrastive pass: anchors are the rows of A, candidates the rows of
/// B, S_ab = a·b/τ. Used by the host backends and the ILGPU kernels alike.
/// </summary>
public struct ContrastiveShape
{
    /// <summary>Rows of A (anchors) and of B (candidates); D = embedding dim.</summary>
    public int RowsA, RowsB, Dim;

    /// <summary>1/τ.</summary>
    public float InvTau;

    /// <summary>1 when A and B are the same set: the pair (a, a) is neither a candidate nor a positive.</summary>
    public int ExcludeDiagonal;

    /// <summary>
    /// 0: keyA[a] is the index (into B) of anchor a's one positive (and keyB[b] the index into A of b's).
    /// 1: keyA and keyB are labels; the positives of a are the candidates with the same label.
    /// </summary>
    public int ByLabel;

    /// <summary>
    /// 1: an anchor's positives are left out of its log-sum-exp (forward) and so out of the softmax term of its
    /// weights (backward): LSE_a = ln Σ_{b ∉ P(a)} exp S_ab (DCL, debiased, HCL). 0: every candidate counts (NT-Xent).
    /// </summary>
    public int ExcludePositives;

    /// <summary>
    /// 1: a candidate that is not a positive leaves an anchor's log-sum-exp (forward) and the softmax term of its weights
    /// (backward) when its logit is above the anchor's threshold (<see cref="SoftmaxSide{TKeys, TValues}.Threshold"/>): NT-Xent's
    /// drop-top, whose thresholds <see cref="ContrastiveKernels.TopNegativesNaive"/> finds. 0: no threshold is read.
    /// Read by the naive kernels; the backends route such passes to them.
    /// </summary>
    public int HasThreshold;

    /// <summary>Backward only: whether the A-anchored (row) and B-anchored (column) softmax terms are present.</summary>
    public int HasRowTerm, HasColumnTerm;
}
