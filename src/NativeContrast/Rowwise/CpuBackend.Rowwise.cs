using System.Numerics;

namespace NativeContrast.Backends;

/// <summary>The rowwise family on the managed CPU backend.</summary>
internal sealed partial class CpuBackend
{
    public void L2Normalize(BufferSlice x, BufferSlice y, BufferSlice norms, int rows, int cols, float eps)
    {
        if (x.Buffer is CpuBuffer<float>) L2Normalize<float>(x, y, norms, rows, cols, eps);
        else L2Normalize<double>(x, y, norms, rows, cols, eps);
    }

    private static void L2Normalize<T>(BufferSlice x, BufferSlice y, BufferSlice norms, int rows, int cols, float eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var ya = Array<T>(y);
        var na = Array<T>(norms);
        T e = T.CreateChecked(eps);
        CpuParallel.For(rows, cols * 2, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                var xs = xa.AsSpan(x.Offset + r * cols, cols);
                var ys = ya.AsSpan(y.Offset + r * cols, cols);
                T norm = T.Sqrt(Dot<T>(xs, xs));
                na[norms.Offset + r] = norm;
                T inv = T.One / T.Max(norm, e);
                for (int j = 0; j < cols; j++) ys[j] = xs[j] * inv;
            }
        });
    }

    public void L2NormalizeBackward(BufferSlice g, BufferSlice y, BufferSlice norms, BufferSlice dx, int rows, int cols, float eps)
    {
        if (g.Buffer is CpuBuffer<float>) L2NormalizeBackward<float>(g, y, norms, dx, rows, cols, eps);
        else L2NormalizeBackward<double>(g, y, norms, dx, rows, cols, eps);
    }

    private static void L2NormalizeBackward<T>(BufferSlice g, BufferSlice y, BufferSlice norms, BufferSlice dx, int rows, int cols, float eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ga = Array<T>(g);
        var ya = Array<T>(y);
        var na = Array<T>(norms);
        var da = Array<T>(dx);
        T e = T.CreateChecked(eps);
        CpuParallel.For(rows, cols * 3, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                var gs = ga.AsSpan(g.Offset + r * cols, cols);
                var ys = ya.AsSpan(y.Offset + r * cols, cols);
                var ds = da.AsSpan(dx.Offset + r * cols, cols);
                T norm = na[norms.Offset + r];
                if (norm < e)
                {
                    for (int j = 0; j < cols; j++) ds[j] = gs[j] / e;
                    continue;
                }
                T dot = Dot<T>(gs, ys);
                T inv = T.One / norm;
                for (int j = 0; j < cols; j++) ds[j] = (gs[j] - ys[j] * dot) * inv;
            }
        });
    }

    public void RowNorms(BufferSlice x, BufferSlice norms, BufferSlice inverseNorms, int rows, int cols, float eps)
    {
        if (x.Buffer is CpuBuffer<float>) RowNorms<float>(x, norms, inverseNorms, rows, cols, eps);
        else RowNorms<double>(x, norms, inverseNorms, rows, cols, eps);
    }

    private static void RowNorms<T>(BufferSlice x, BufferSlice norms, BufferSlice inverseNorms, int rows, int cols, float eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var na = Array<T>(norms);
        var ia = Array<T>(inverseNorms);
        T e = T.CreateChecked(eps);
        CpuParallel.For(rows, cols, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                var xs = xa.AsSpan(x.Offset + r * cols, cols);
                T norm = T.Sqrt(Dot<T>(xs, xs));
                na[norms.Offset + r] = norm;
                ia[inverseNorms.Offset + r] = T.One / T.Max(norm, e);
            }
        });
    }

    public void RowDots(BufferSlice a, BufferSlice b, BufferSlice dots, int rows, int cols)
    {
        if (a.Buffer is CpuBuffer<float>) RowDots<float>(a, b, dots, rows, cols);
        else RowDots<double>(a, b, dots, rows, cols);
    }

    private static void RowDots<T>(BufferSlice a, BufferSlice b, BufferSlice dots, int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var aa = Array<T>(a);
        var ba = Array<T>(b);
        var da = Array<T>(dots);
        CpuParallel.For(rows, cols, (start, end) =>
        {
            for (int r = start; r < end; r++)
                da[dots.Offset + r] = Dot<T>(aa.AsSpan(a.Offset + r * cols, cols), ba.AsSpan(b.Offset + r * cols, cols));
        });
    }

    public void L2NormalizeBackwardInPlace(BufferSlice gradient, BufferSlice x, BufferSlice norms, int rows, int cols, float eps)
    {
        if (x.Buffer is CpuBuffer<float>) L2NormalizeBackwardInPlace<float>(gradient, x, norms, rows, cols, eps);
        else L2NormalizeBackwardInPlace<double>(gradient, x, norms, rows, cols, eps);
    }

    // y = x/r: dx = (g − y (g·y))/r with y recomputed from x (g/ε below ε), written over g.
    private static void L2NormalizeBackwardInPlace<T>(BufferSlice gradient, BufferSlice x, BufferSlice norms, int rows, int cols, float eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ga = Array<T>(gradient);
        var xa = Array<T>(x);
        var na = Array<T>(norms);
        T e = T.CreateChecked(eps);
        CpuParallel.For(rows, cols * 3, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                var gs = ga.AsSpan(gradient.Offset + r * cols, cols);
                var xs = xa.AsSpan(x.Offset + r * cols, cols);
                T norm = na[norms.Offset + r];
                if (norm < e)
                {
                    for (int j = 0; j < cols; j++) gs[j] /= e;
                    continue;
                }
                T inv = T.One / norm;
                T dot = Dot<T>(gs, xs) * inv;
                for (int j = 0; j < cols; j++) gs[j] = (gs[j] - xs[j] * inv * dot) * inv;
            }
        });
    }

    public void LogSoftmax(BufferSlice x, BufferSlice y, int rows, int cols)
    {
        if (x.Buffer is CpuBuffer<float>) LogSoftmax<float>(x, y, rows, cols);
        else LogSoftmax<double>(x, y, rows, cols);
    }

    private static void LogSoftmax<T>(BufferSlice x, BufferSlice y, int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var ya = Array<T>(y);
        CpuParallel.For(rows, cols * 8, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                var xs = xa.AsSpan(x.Offset + r * cols, cols);
                var ys = ya.AsSpan(y.Offset + r * cols, cols);
                var (max, logSum) = LogSumExp<T>(xs);
                for (int j = 0; j < cols; j++) ys[j] = (xs[j] - max) - logSum;
            }
        });
    }

    public void LogSoftmaxBackward(BufferSlice g, BufferSlice y, BufferSlice dx, int rows, int cols)
    {
        if (g.Buffer is CpuBuffer<float>) LogSoftmaxBackward<float>(g, y, dx, rows, cols);
        else LogSoftmaxBackward<double>(g, y, dx, rows, cols);
    }

    private static void LogSoftmaxBackward<T>(BufferSlice g, BufferSlice y, BufferSlice dx, int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ga = Array<T>(g);
        var ya = Array<T>(y);
        var da = Array<T>(dx);
        CpuParallel.For(rows, cols * 8, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                var gs = ga.AsSpan(g.Offset + r * cols, cols);
                var ys = ya.AsSpan(y.Offset + r * cols, cols);
                var ds = da.AsSpan(dx.Offset + r * cols, cols);
                T sum = T.Zero;
                for (int j = 0; j < cols; j++) sum += gs[j];
                for (int j = 0; j < cols; j++) ds[j] = gs[j] - T.Exp(ys[j]) * sum;
            }
        });
    }

    public void CrossEntropy(BufferSlice logits, BufferSlice labels, BufferSlice loss, BufferSlice lse, int rows, int cols)
    {
        if (logits.Buffer is CpuBuffer<float>) CrossEntropy<float>(logits, labels, loss, lse, rows, cols);
        else CrossEntropy<double>(logits, labels, loss, lse, rows, cols);
    }

    private static void CrossEntropy<T>(BufferSlice logits, BufferSlice labels, BufferSlice loss, BufferSlice lse, int rows, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(logits);
        var la = Array<int>(labels);
        var lossA = Array<T>(loss);
        var lseA = Array<T>(lse);
        CpuParallel.For(rows, cols * 8, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                var xs = xa.AsSpan(logits.Offset + r * cols, cols);
                var (max, logSum) = LogSumExp<T>(xs);
                lseA[lse.Offset + r] = max + logSum;
                lossA[loss.Offset + r] = (max - xs[la[labels.Offset + r]]) + logSum;
            }
        });
    }

    public void CrossEntropyBackward(BufferSlice logits, BufferSlice labels, BufferSlice lse, BufferSlice g, BufferSlice dx, int rows, int cols, double scale)
    {
        if (logits.Buffer is CpuBuffer<float>) CrossEntropyBackward<float>(logits, labels, lse, g, dx, rows, cols, scale);
        else CrossEntropyBackward<double>(logits, labels, lse, g, dx, rows, cols, scale);
    }

    private static void CrossEntropyBackward<T>(BufferSlice logits, BufferSlice labels, BufferSlice lse, BufferSlice g, BufferSlice dx, int rows, int cols, double scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(logits);
        var la = Array<int>(labels);
        var lseA = Array<T>(lse);
        var da = Array<T>(dx);
        T s = Array<T>(g)[g.Offset] * T.CreateChecked(scale);
        CpuParallel.For(rows, cols * 8, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                var xs = xa.AsSpan(logits.Offset + r * cols, cols);
                var ds = da.AsSpan(dx.Offset + r * cols, cols);
                T l = lseA[lse.Offset + r];
                int label = la[labels.Offset + r];
                for (int j = 0; j < cols; j++) ds[j] = s * (T.Exp(xs[j] - l) - (j == label ? T.One : T.Zero));
            }
        });
    }

    /// <summary>(max, ln Σ exp(x − max)), kept apart so that x − max − ln Σ loses no precision for large logits.</summary>
    private static (T Max, T LogSum) LogSumExp<T>(ReadOnlySpan<T> xs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = T.NegativeInfinity;
        foreach (var v in xs) max = T.Max(max, v);
        if (T.IsNegativeInfinity(max)) return (max, T.Zero);
        T sum = T.Zero;
        foreach (var v in xs) sum += T.Exp(v - max);
        return (max, T.Log(sum));
    }

    internal static T Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, INumber<T>
    {
        T sum = T.Zero;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
