using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// Batch and layer normalization. Shape legend: batch norm views x as [N, C, S] (S = H·W, 1 for
/// BatchNorm1d) and normalizes each channel c over its M = N·S values; layer norm normalizes each row
/// of [rows, cols]. x̂ = (x − μ)·r with r = 1/√(σ² + ε) (σ² the biased variance), y = γ·x̂ + β.
/// Variants:
///   1. *Naive: one thread per channel (statistics, gradient sums) or per row, then one per element for
///      the elementwise passes: statistics in one kernel (a sum loop, then a centred loop over the same
///      channel), output in another. The cpu backend takes the statistics in one pass over memory (Chan's
///      merge of per-plane moments); a per-thread merge here would be the same change.
/// </summary>
public static class NormalizationKernels
{
    /// <summary>mean[c], invStd[c] = 1/√(var + ε), and the unbiased variance for the running estimate.</summary>
    public static void BatchNormStatsNaive(Index1D c, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> unbiasedVar,
        int n, int channels, int spatial, float eps)
    {
        float sum = 0f, sumSq = 0f;
        for (int i = 0; i < n; i++)
        {
            int start = (i * channels + c) * spatial;
            for (int k = 0; k < spatial; k++) sum += x[start + k];
        }
        int m = n * spatial;
        float mu = sum / m;
        for (int i = 0; i < n; i++)
        {
            int start = (i * channels + c) * spatial;
            for (int k = 0; k < spatial; k++) { float d = x[start + k] - mu; sumSq += d * d; }
        }
        mean[c] = mu;
        invStd[c] = 1f / MathF.Sqrt(sumSq / m + eps);
        unbiasedVar[c] = m > 1 ? sumSq / (m - 1) : 0f;
    }

    /// <summary>y = γ[c]·(x − mean[c])·invStd[c] + β[c].</summary>
    public static void BatchNormApplyNaive(Index1D i, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> y, int channels, int spatial, int relu)
    {
        int c = i / spatial % channels;
        float z = gamma[c] * (x[i] - mean[c]) * invStd[c] + beta[c];
        y[i] = relu != 0 && !(z > 0f) ? 0f : z;
    }

    /// <summary>dβ[c] = Σ g, dγ[c] = Σ g·x̂ over the channel.</summary>
    public static void BatchNormGradSumsNaive(Index1D c, ArrayView<float> x, ArrayView<float> g, ArrayView<float> mean, ArrayView<float> invStd,
        ArrayView<float> dGamma, ArrayView<float> dBeta, int n, int channels, int spatial)
    {
        float sg = 0f, sgx = 0f;
        for (int i = 0; i < n; i++)
        {
            int start = (i * channels + c) * spatial;
            for (int k = 0; k < spatial; k++)
            {
                float gv = g[start + k];
                sg += gv;
                sgx += gv * (x[start + k] - mean[c]) * invStd[c];
            }
        }
        dBeta[c] = sg;
        dGamma[c] = sgx;
    }

    /// <summary>
    /// Training: dx = γ·r/M·(M·g − Σg − x̂·Σ(g·x̂)). Evaluation (running statistics are constants): dx = γ·r·g.
    /// </summary>
    public static void BatchNormBackwardDataNaive(Index1D i, ArrayView<float> x, ArrayView<float> g, ArrayView<float> mean, ArrayView<float> invStd,
        ArrayView<float> gamma, ArrayView<float> dGamma, ArrayView<float> dBeta, ArrayView<float> dx, int n, int channels, int spatial, int training)
    {
        int c = i / spatial % channels;
        float r = invStd[c];
        if (training == 0)
        {
            dx[i] = gamma[c] * r * g[i];
            return;
        }
        float m = n * spatial;
        float xhat = (x[i] - mean[c]) * r;
        dx[i] = gamma[c] * r / m * (m * g[i] - dBeta[c] - xhat * dGamma[c]);
    }

    /// <summary>Per row: mean, invStd and y = γ·x̂ + β (γ, β over the columns).</summary>
    public static void LayerNormForwardNaive(Index1D row, ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> y,
        ArrayView<float> mean, ArrayView<float> invStd, int cols, float eps)
    {
        int start = row * cols;
        float sum = 0f;
        for (int j = 0; j < cols; j++) sum += x[start + j];
        float mu = sum / cols, sq = 0f;
        for (int j = 0; j < cols; j++) { float d = x[start + j] - mu; sq += d * d; }
        float r = 1f / MathF.Sqrt(sq / cols + eps);
        mean[row] = mu;
        invStd[row] = r;
        for (int j = 0; j < cols; j++) y[start + j] = gamma[j] * (x[start + j] - mu) * r + beta[j];
    }

    /// <summary>With ĝ = g·γ: dx = r/D·(D·ĝ − Σĝ − x̂·Σ(ĝ·x̂)) per row.</summary>
    public static void LayerNormBackwardDataNaive(Index1D row, ArrayView<float> x, ArrayView<float> g, ArrayView<float> gamma, ArrayView<float> mean,
        ArrayView<float> invStd, ArrayView<float> dx, int cols)
    {
        int start = row * cols;
        float mu = mean[row], r = invStd[row], sg = 0f, sgx = 0f;
        for (int j = 0; j < cols; j++)
        {
            float gh = g[start + j] * gamma[j];
            sg += gh;
            sgx += gh * (x[start + j] - mu) * r;
        }
        for (int j = 0; j < cols; j++)
        {
            float xhat = (x[start + j] - mu) * r;
            dx[start + j] = r / cols * (cols * g[start + j] * gamma[j] - sg - xhat * sgx);
        }
    }

    /// <summary>dγ[j] = Σ_rows g·x̂, dβ[j] = Σ_rows g, one thread per column.</summary>
    public static void LayerNormParamGradNaive(Index1D j, ArrayView<float> x, ArrayView<float> g, ArrayView<float> mean, ArrayView<float> invStd,
        ArrayView<float> dGamma, ArrayView<float> dBeta, int rows, int cols)
    {
        float sg = 0f, sgx = 0f;
        for (int r = 0; r < rows; r++)
        {
            float gv = g[r * cols + j];
            sg += gv;
            sgx += gv * (x[r * cols + j] - mean[r]) * invStd[r];
        }
        dGamma[j] = sgx;
        dBeta[j] = sg;
    }
}
