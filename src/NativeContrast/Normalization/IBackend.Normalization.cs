namespace NativeContrast.Backends;

/// <summary>The normalization family's slice of the backend interface.</summary>
internal partial interface IBackend
{
    /// <summary>Per channel of x [N, C, S]: mean, 1/√(biased var + ε) and the unbiased variance (for running estimates).</summary>
    void BatchNormStats(BufferSlice x, BufferSlice mean, BufferSlice invStd, BufferSlice unbiasedVar, int n, int channels, int spatial, float eps);

    /// <summary>y = γ_c·(x − mean_c)·invStd_c + β_c, then max(y, 0) when <paramref name="relu"/> (batch norm and ReLU in one pass).</summary>
    void BatchNormApply(BufferSlice x, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice beta, BufferSlice y, int n, int channels, int spatial, bool relu);

    /// <summary>dx, dγ, dβ (all overwritten); <paramref name="training"/>: mean/invStd were the batch's (else running constants).</summary>
    void BatchNormBackward(BufferSlice x, BufferSlice g, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta,
        int n, int channels, int spatial, bool training);

    /// <summary>
    /// The backward of batch norm followed by ReLU (<see cref="BatchNormApply"/> with relu): as <see cref="BatchNormBackward"/>
    /// with g replaced by g·[z &gt; 0], z the normalized value before the ReLU. <paramref name="y"/> is the fused output
    /// ([z &gt; 0] = [y &gt; 0]); a backend whose apply is bit-reproducible may recompute z from x, γ and β instead.
    /// </summary>
    void BatchNormReluBackward(BufferSlice x, BufferSlice y, BufferSlice g, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice beta,
        BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta, int n, int channels, int spatial, bool training);

    /// <summary>Per row of [rows, cols]: y = γ·(x − μ)·r + β, saving μ and r = 1/√(σ² + ε).</summary>
    void LayerNormForward(BufferSlice x, BufferSlice gamma, BufferSlice beta, BufferSlice y, BufferSlice mean, BufferSlice invStd, int rows, int cols, float eps);

    void LayerNormBackward(BufferSlice x, BufferSlice g, BufferSlice gamma, BufferSlice mean, BufferSlice invStd, BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta, int rows, int cols);
}
