using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// Row-wise fused ops on a [rows, cols] matrix, one thread per row.
/// Variants: L2 normalization (forward, backward, and the backward in place from x), row norms and row
/// dots (for the losses' fused normalization), log-softmax (forward, backward), cross-entropy with class
/// indices (per-row loss + LSE forward, backward).
/// </summary>
public static class RowwiseKernels
{
    /// <summary>y = x/max(‖x‖, eps); norms[row] = ‖x‖.</summary>
    public static void L2Normalize(Index1D row, ArrayView<float> x, ArrayView<float> y, ArrayView<float> norms, int cols, float eps)
    {
        int start = row * cols;
        float norm = MathF.Sqrt(Dot(x, x, start, cols));
        norms[row] = norm;
        float inv = 1f / MathF.Max(norm, eps);
        for (int j = 0; j < cols; j++) y[start + j] = x[start + j] * inv;
    }

    /// <summary>dx = (g − y·(g·y)) / max(‖x‖, eps); below eps the scale is constant: dx = g/eps. dx may be g (in place).</summary>
    public static void L2NormalizeBackward(Index1D row, ArrayView<float> g, ArrayView<float> y, ArrayView<float> norms, ArrayView<float> dx, int cols, float eps)
    {
        int start = row * cols;
        float norm = norms[row];
        if (norm < eps)
        {
            for (int j = 0; j < cols; j++) dx[start + j] = g[start + j] / eps;
            return;
        }
        float dot = Dot(g, y, start, cols), inv = 1f / norm;
        for (int j = 0; j < cols; j++) dx[start + j] = (g[start + j] - y[start + j] * dot) * inv;
    }

    /// <summary>norms[row] = ‖x‖ and inverseNorms[row] = 1/max(‖x‖, eps): the row factors of a normalizing loss.</summary>
    public static void RowNorms(Index1D row, ArrayView<float> x, ArrayView<float> norms, ArrayView<float> inverseNorms, int cols, float eps)
    {
        float norm = MathF.Sqrt(Dot(x, x, row * cols, cols));
        norms[row] = norm;
        inverseNorms[row] = 1f / MathF.Max(norm, eps);
    }

    /// <summary>dots[row] = a_row·b_row.</summary>
    public static void RowDots(Index1D row, ArrayView<float> a, ArrayView<float> b, ArrayView<float> dots, int cols) => dots[row] = Dot(a, b, row * cols, cols);

    /// <summary>
    /// <see cref="L2NormalizeBackward"/> in place, with y = x/‖x‖ recomputed from x: gradient holds ∂L/∂y on entry
    /// and ∂L/∂x = (g − y·(g·y))/‖x‖ on return (g/eps below eps).
    /// </summary>
    public static void L2NormalizeBackwardInPlace(Index1D row, ArrayView<float> gradient, ArrayView<float> x, ArrayView<float> norms, int cols, float eps)
    {
        int start = row * cols;
        float norm = norms[row];
        if (norm < eps)
        {
            for (int j = 0; j < cols; j++) gradient[start + j] /= eps;
            return;
        }
        float inv = 1f / norm, dot = Dot(gradient, x, start, cols) * inv;
        for (int j = 0; j < cols; j++) gradient[start + j] = (gradient[start + j] - x[start + j] * inv * dot) * inv;
    }

    /// <summary>y = (x − max) − ln Σ exp(x − max); subtracting max first keeps precision for large logits.</summary>
    public static void LogSoftmax(Index1D row, ArrayView<float> x, ArrayView<float> y, int cols)
    {
        int start = row * cols;
        float max = RowMax(x, start, cols);
        float logSum = LogSumShifted(x, start, cols, max);
        for (int j = 0; j < cols; j++) y[start + j] = (x[start + j] - max) - logSum;
    }

    /// <summary>dx = g − softmax·Σg, with softmax = exp(y).</summary>
    public static void LogSoftmaxBackward(Index1D row, ArrayView<float> g, ArrayView<float> y, ArrayView<float> dx, int cols)
    {
        int start = row * cols;
        float sum = 0f;
        for (int j = 0; j < cols; j++) sum += g[start + j];
        for (int j = 0; j < cols; j++) dx[start + j] = g[start + j] - MathF.Exp(y[start + j]) * sum;
    }

    /// <summary>loss[row] = LSE(x_row) − x[row, label]; lse[row] saved for backward.</summary>
    public static void CrossEntropy(Index1D row, ArrayView<float> x, ArrayView<int> labels, ArrayView<float> loss, ArrayView<float> lse, int cols)
    {
        int start = row * cols;
        float max = RowMax(x, start, cols);
        float logSum = LogSumShifted(x, start, cols, max);
        lse[row] = max + logSum;
        loss[row] = (max - x[start + labels[row]]) + logSum;
    }

    /// <summary>dx[row, j] = (g/rows)·(softmax_j − [j = label]); g is the upstream scalar.</summary>
    public static void CrossEntropyBackward(Index1D row, ArrayView<float> x, ArrayView<int> labels, ArrayView<float> lse, ArrayView<float> g, ArrayView<float> dx, int cols, float scale)
    {
        int start = row * cols;
        float s = g[0] * scale;
        float l = lse[row];
        int label = labels[row];
        for (int j = 0; j < cols; j++)
            dx[start + j] = s * (MathF.Exp(x[start + j] - l) - (j == label ? 1f : 0f));
    }

    /// <summary>Σ_j a[start + j]·b[start + j] over one row.</summary>
    private static float Dot(ArrayView<float> a, ArrayView<float> b, int start, int cols)
    {
        float sum = 0f;
        for (int j = 0; j < cols; j++) sum += a[start + j] * b[start + j];
        return sum;
    }

    private static float RowMax(ArrayView<float> x, int start, int cols)
    {
        float max = float.NegativeInfinity;
        for (int j = 0; j < cols; j++) max = MathF.Max(max, x[start + j]);
        return max;
    }

    /// <summary>ln Σ exp(x − max); 0 when the whole row is −∞ (so the result is −∞ + 0, not NaN).</summary>
    private static float LogSumShifted(ArrayView<float> x, int start, int cols, float max)
    {
        if (max == float.NegativeInfinity) return 0f;
        float sum = 0f;
        for (int j = 0; j < cols; j++) sum += MathF.Exp(x[start + j] - max);
        return MathF.Log(sum);
    }
}
