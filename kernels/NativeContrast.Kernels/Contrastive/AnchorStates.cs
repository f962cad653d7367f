namespace NativeContrast.Kernels;

/// <summary>
/// The running softmax states of the four anchor rows a thread of the tiled row-statistics kernels (variants 2 and 4)
/// handles, rows firstRow … firstRow + 3: what both variants add each 4×4 block of logits to
/// (<c>ContrastiveKernels.Accumulate</c>) and merge across lanes at the end.
/// </summary>
public struct AnchorStates
{
    /// <summary>The states of rows firstRow + 0 … + 3.</summary>
    public SoftmaxState S0, S1, S2, S3;

    /// <summary>No column seen yet.</summary>
    public static AnchorStates Empty => new() { S0 = SoftmaxState.Empty, S1 = SoftmaxState.Empty, S2 = SoftmaxState.Empty, S3 = SoftmaxState.Empty };
}
