using ILGPU;
using NativeContrast.Kernels;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Backends;

/// <summary>The normalization family's ILGPU launches.</summary>
internal sealed partial class IlgpuBackend
{
    public void BatchNormStats(BufferSlice x, BufferSlice mean, BufferSlice invStd, BufferSlice unbiasedVar, int n, int channels, int spatial, float eps) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float>(NormalizationKernels.BatchNormStatsNaive)(channels, F(x), F(mean), F(invStd), F(unbiasedVar), n, channels, spatial, eps);

    public void BatchNormApply(BufferSlice x, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice beta, BufferSlice y, int n, int channels, int spatial, bool relu) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(NormalizationKernels.BatchNormApplyNaive)(y.Length, F(x), F(mean), F(invStd), F(gamma), F(beta), F(y), channels, spatial, relu ? 1 : 0);

    public void BatchNormBackward(BufferSlice x, BufferSlice g, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta,
        int n, int channels, int spatial, bool training)
    {
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(NormalizationKernels.BatchNormGradSumsNaive)(channels, F(x), F(g), F(mean), F(invStd), F(dGamma), F(dBeta), n, channels, spatial);
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(NormalizationKernels.BatchNormBackwardDataNaive)(dx.Length, F(x), F(g), F(mean), F(invStd), F(gamma), F(dGamma), F(dBeta), F(dx), n, channels, spatial, training ? 1 : 0);
    }

    // g·[y > 0] is written into dx first (the data kernel reads g[i] before writing dx[i] at the same index), then the
    // batch-norm backward runs on it: two launches of existing kernels, not one fused pass.
    public void BatchNormReluBackward(BufferSlice x, BufferSlice y, BufferSlice g, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice beta,
        BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta, int n, int channels, int spatial, bool training)
    {
        Binary(default(ReluGradFunction), y, g, dx, null);
        BatchNormBackward(x, dx, mean, invStd, gamma, dx, dGamma, dBeta, n, channels, spatial, training);
    }

    public void LayerNormForward(BufferSlice x, BufferSlice gamma, BufferSlice beta, BufferSlice y, BufferSlice mean, BufferSlice invStd, int rows, int cols, float eps) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(NormalizationKernels.LayerNormForwardNaive)(rows, F(x), F(gamma), F(beta), F(y), F(mean), F(invStd), cols, eps);

    public void LayerNormBackward(BufferSlice x, BufferSlice g, BufferSlice gamma, BufferSlice mean, BufferSlice invStd, BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta, int rows, int cols)
    {
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(NormalizationKernels.LayerNormBackwardDataNaive)(rows, F(x), F(g), F(gamma), F(mean), F(invStd), F(dx), cols);
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(NormalizationKernels.LayerNormParamGradNaive)(cols, F(x), F(g), F(mean), F(invStd), F(dGamma), F(dBeta), rows, cols);
    }
}
