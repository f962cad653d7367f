using System.Numerics;

namespace NativeContrast.Backends;

/// <summary>The normalization family on the managed CPU backend.</summary>
internal sealed partial class CpuBackend
{
    public void BatchNormStats(BufferSlice x, BufferSlice mean, BufferSlice invStd, BufferSlice unbiasedVar, int n, int channels, int spatial, float eps)
    {
        if (x.Buffer is CpuBuffer<float>) BatchNormStats<float>(x, mean, invStd, unbiasedVar, n, channels, spatial, eps);
        else BatchNormStats<double>(x, mean, invStd, unbiasedVar, n, channels, spatial, eps);
    }

    // Per channel, in one pass over memory: each plane's mean and centred sum of squares (the plane is read twice, the
    // second time from L1), merged into the channel's in float64 by Chan et al.'s pairwise update
    //   δ = mean_p − mean, mean += δ·S/(count + S), M2 += M2_p + δ²·count·S/(count + S),
    // which keeps the centred form's accuracy (a channel can hold N·H·W ≈ 4·10⁵ values).
    private static void BatchNormStats<T>(BufferSlice x, BufferSlice mean, BufferSlice invStd, BufferSlice unbiasedVar, int n, int channels, int spatial, float eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var ma = Array<T>(mean);
        var ra = Array<T>(invStd);
        var va = Array<T>(unbiasedVar);
        CpuParallel.For(channels, (long)n * spatial, (start, end) =>
        {
            for (int c = start; c < end; c++)
            {
                double count = 0, mu = 0, squares = 0;
                for (int i = 0; i < n; i++)
                {
                    var plane = xa.AsSpan(x.Offset + (i * channels + c) * spatial, spatial);
                    double planeMean = PlaneMath.Sum<T>(plane) / spatial;
                    double planeSquares = PlaneMath.CenteredSquares<T>(plane, planeMean);
                    double total = count + spatial, delta = planeMean - mu;
                    mu += delta * spatial / total;
                    squares += planeSquares + delta * delta * count * spatial / total;
                    count = total;
                }
                int m = n * spatial;
                ma[mean.Offset + c] = T.CreateChecked(mu);
                ra[invStd.Offset + c] = T.CreateChecked(1.0 / Math.Sqrt(squares / m + eps));
                va[unbiasedVar.Offset + c] = T.CreateChecked(m > 1 ? squares / (m - 1) : 0.0);
            }
        }, chunksPerThread: 8);
    }

    public void BatchNormApply(BufferSlice x, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice beta, BufferSlice y, int n, int channels, int spatial, bool relu)
    {
        if (x.Buffer is CpuBuffer<float>) BatchNormApply<float>(x, mean, invStd, gamma, beta, y, n, channels, spatial, relu);
        else BatchNormApply<double>(x, mean, invStd, gamma, beta, y, n, channels, spatial, relu);
    }

    // y = a_c·x + b_c with a_c = γ_c·r_c and b_c = β_c − μ_c·a_c: one multiply-add per element (then max(·, 0) when fused
    // with ReLU). BatchNormReluBackward recomputes a_c·x + b_c with the same PlaneMath code for its mask.
    private static void BatchNormApply<T>(BufferSlice x, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice beta, BufferSlice y, int n, int channels, int spatial,
        bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var ya = Array<T>(y);
        var mu = Span<T>(mean).ToArray();
        var r = Span<T>(invStd).ToArray();
        var ga = Span<T>(gamma).ToArray();
        var ba = Span<T>(beta).ToArray();
        CpuParallel.For(n * channels, spatial, (start, end) =>
        {
            for (int plane = start; plane < end; plane++)
            {
                int c = plane % channels;
                T scale = ga[c] * r[c];
                PlaneMath.Affine<T>(xa.AsSpan(x.Offset + plane * spatial, spatial), scale, ba[c] - mu[c] * scale, ya.AsSpan(y.Offset + plane * spatial, spatial), relu);
            }
        }, chunksPerThread: 8);
    }

    public void BatchNormBackward(BufferSlice x, BufferSlice g, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta,
        int n, int channels, int spatial, bool training)
    {
        if (x.Buffer is CpuBuffer<float>) BatchNormBackward<float>(x, g, mean, invStd, gamma, null, dx, dGamma, dBeta, n, channels, spatial, training);
        else BatchNormBackward<double>(x, g, mean, invStd, gamma, null, dx, dGamma, dBeta, n, channels, spatial, training);
    }

    // y is not read: the mask [a_c·x + b_c > 0] is recomputed from x exactly as BatchNormApply computed it.
    public void BatchNormReluBackward(BufferSlice x, BufferSlice y, BufferSlice g, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice beta,
        BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta, int n, int channels, int spatial, bool training)
    {
        if (x.Buffer is CpuBuffer<float>) BatchNormBackward<float>(x, g, mean, invStd, gamma, beta, dx, dGamma, dBeta, n, channels, spatial, training);
        else BatchNormBackward<double>(x, g, mean, invStd, gamma, beta, dx, dGamma, dBeta, n, channels, spatial, training);
    }

    // Sums first: dβ = Σg and dγ = Σg·x̂ = r·(Σg·x − μ·Σg) per channel. Then, training,
    // dx = γr/M·(M·g − Σg − x̂·Σg·x̂), an affine map of g and x per channel: dx = A·g + B·x + C with
    // A = γr, B = −γr²·Σg·x̂/M, C = γr/M·(r·μ·Σg·x̂ − Σg). Evaluation: dx = γr·g.
    // Fused with ReLU (beta given): g is replaced by g·[z > 0], z = a_c·x + b_c the value before the ReLU (as in
    // BatchNormApply), in both passes; one pass fewer over memory than ReLU's backward followed by this one.
    private static void BatchNormBackward<T>(BufferSlice x, BufferSlice g, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice? beta, BufferSlice dx,
        BufferSlice dGamma, BufferSlice dBeta, int n, int channels, int spatial, bool training) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var ga = Array<T>(g);
        var da = Array<T>(dx);
        var mu = Span<T>(mean).ToArray();
        var r = Span<T>(invStd).ToArray();
        var gammas = Span<T>(gamma).ToArray();
        var betas = beta is { } b ? Span<T>(b).ToArray() : null;
        // The pre-ReLU affine map of BatchNormApply, per channel.
        T Scale(int c) => gammas[c] * r[c];
        T Shift(int c) => betas![c] - mu[c] * Scale(c);
        var sumG = new double[channels];
        var sumGxHat = new double[channels];
        CpuParallel.For(channels, (long)n * spatial, (start, end) =>
        {
            for (int c = start; c < end; c++)
            {
                double sg = 0, sgx = 0;
                for (int i = 0; i < n; i++)
                {
                    int o = (i * channels + c) * spatial;
                    var gs = ga.AsSpan(g.Offset + o, spatial);
                    var xs = xa.AsSpan(x.Offset + o, spatial);
                    if (betas is null)
                    {
                        sg += PlaneMath.Sum<T>(gs);
                        sgx += PlaneMath.Dot<T>(gs, xs);
                    }
                    else
                    {
                        var (plainSum, dot) = PlaneMath.MaskedSumAndDot<T>(gs, xs, Scale(c), Shift(c));
                        sg += plainSum;
                        sgx += dot;
                    }
                }
                sumG[c] = sg;
                sumGxHat[c] = double.CreateChecked(r[c]) * (sgx - double.CreateChecked(mu[c]) * sg);
            }
        }, chunksPerThread: 8);
        var db = Span<T>(dBeta);
        var dg = Span<T>(dGamma);
        for (int c = 0; c < channels; c++)
        {
            db[c] = T.CreateChecked(sumG[c]);
            dg[c] = T.CreateChecked(sumGxHat[c]);
        }
        double m = (double)n * spatial;
        CpuParallel.For(n * channels, spatial * 2, (start, end) =>
        {
            for (int plane = start; plane < end; plane++)
            {
                int c = plane % channels, o = plane * spatial;
                double gr = double.CreateChecked(gammas[c] * r[c]), rc = double.CreateChecked(r[c]);
                double slopeX = training ? -gr * rc * sumGxHat[c] / m : 0;
                double shift = training ? gr / m * (rc * double.CreateChecked(mu[c]) * sumGxHat[c] - sumG[c]) : 0;
                var gs = ga.AsSpan(g.Offset + o, spatial);
                var xs = xa.AsSpan(x.Offset + o, spatial);
                var ds = da.AsSpan(dx.Offset + o, spatial);
                PlaneMath.AffineOfTwo<T>(gs, T.CreateChecked(gr), xs, T.CreateChecked(slopeX), T.CreateChecked(shift), ds, betas is null ? null : (Scale(c), Shift(c)));
            }
        }, chunksPerThread: 8);
    }

    public void LayerNormForward(BufferSlice x, BufferSlice gamma, BufferSlice beta, BufferSlice y, BufferSlice mean, BufferSlice invStd, int rows, int cols, float eps)
    {
        if (x.Buffer is CpuBuffer<float>) LayerNormForward<float>(x, gamma, beta, y, mean, invStd, rows, cols, eps);
        else LayerNormForward<double>(x, gamma, beta, y, mean, invStd, rows, cols, eps);
    }

    private static void LayerNormForward<T>(BufferSlice x, BufferSlice gamma, BufferSlice beta, BufferSlice y, BufferSlice mean, BufferSlice invStd, int rows, int cols, float eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var ya = Array<T>(y);
        var ma = Array<T>(mean);
        var ra = Array<T>(invStd);
        var ga = Span<T>(gamma).ToArray();
        var ba = Span<T>(beta).ToArray();
        CpuParallel.For(rows, cols * 3, (start, end) =>
        {
            for (int row = start; row < end; row++)
            {
                var xs = xa.AsSpan(x.Offset + row * cols, cols);
                var ys = ya.AsSpan(y.Offset + row * cols, cols);
                double sum = 0;
                foreach (var v in xs) sum += double.CreateChecked(v);
                double mu = sum / cols, squares = 0;
                foreach (var v in xs) { double dv = double.CreateChecked(v) - mu; squares += dv * dv; }
                T m = T.CreateChecked(mu), r = T.CreateChecked(1.0 / Math.Sqrt(squares / cols + eps));
                ma[mean.Offset + row] = m;
                ra[invStd.Offset + row] = r;
                for (int j = 0; j < cols; j++) ys[j] = ga[j] * (xs[j] - m) * r + ba[j];
            }
        });
    }

    public void LayerNormBackward(BufferSlice x, BufferSlice g, BufferSlice gamma, BufferSlice mean, BufferSlice invStd, BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta, int rows, int cols)
    {
        if (x.Buffer is CpuBuffer<float>) LayerNormBackward<float>(x, g, gamma, mean, invStd, dx, dGamma, dBeta, rows, cols);
        else LayerNormBackward<double>(x, g, gamma, mean, invStd, dx, dGamma, dBeta, rows, cols);
    }

    private static void LayerNormBackward<T>(BufferSlice x, BufferSlice g, BufferSlice gamma, BufferSlice mean, BufferSlice invStd, BufferSlice dx,
        BufferSlice dGamma, BufferSlice dBeta, int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var gArr = Array<T>(g);
        var da = Array<T>(dx);
        var ma = Span<T>(mean).ToArray();
        var ra = Span<T>(invStd).ToArray();
        var gamma_ = Span<T>(gamma).ToArray();
        T d = T.CreateChecked(cols);
        CpuParallel.For(rows, cols * 3, (start, end) =>
        {
            for (int row = start; row < end; row++)
            {
                var xs = xa.AsSpan(x.Offset + row * cols, cols);
                var gs = gArr.AsSpan(g.Offset + row * cols, cols);
                var ds = da.AsSpan(dx.Offset + row * cols, cols);
                T mu = ma[row], r = ra[row], sg = T.Zero, sgx = T.Zero;
                for (int j = 0; j < cols; j++)
                {
                    T gh = gs[j] * gamma_[j];
                    sg += gh;
                    sgx += gh * (xs[j] - mu) * r;
                }
                for (int j = 0; j < cols; j++)
                    ds[j] = r / d * (d * gs[j] * gamma_[j] - sg - (xs[j] - mu) * r * sgx);
            }
        });
        var dg = Span<T>(dGamma);
        var db = Span<T>(dBeta);
        dg.Clear();
        db.Clear();
        for (int row = 0; row < rows; row++)
        {
            T mu = ma[row], r = ra[row];
            for (int j = 0; j < cols; j++)
            {
                T gv = gArr[g.Offset + row * cols + j];
                db[j] += gv;
                dg[j] += gv * (xa[x.Offset + row * cols + j] - mu) * r;
            }
        }
    }
}
