using System.Numerics;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>The convolution family on the managed CPU backend.</summary>
internal sealed partial class CpuBackend
{
    public void Conv2dForward(BufferSlice x, BufferSlice w, BufferSlice? bias, BufferSlice y, ConvShape s)
    {
        if (x.Buffer is CpuBuffer<float> && PackedSgemm.IsSupported)
            CpuPackedConvolution.Forward(Array<float>(x), x.Offset, Array<float>(w), w.Offset, bias is { } b ? Span<float>(b).ToArray() : null, Array<float>(y), y.Offset, s);
        else if (x.Buffer is CpuBuffer<float>) Conv2dForward<float>(x, w, bias, y, s);
        else Conv2dForward<double>(x, w, bias, y, s);
    }

    // y_n [O, PQ] = W [O, CK] · cols_n [CK, PQ] (+ bias).
    private static void Conv2dForward<T>(BufferSlice x, BufferSlice w, BufferSlice? bias, BufferSlice y, ConvShape s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var wa = Array<T>(w);
        var ya = Array<T>(y);
        var ba = bias is { } b ? Span<T>(b).ToArray() : null;
        int inImage = s.Channels * s.InPlane, outImage = s.OutChannels * s.OutPlane;
        bool direct = IsPointwise(s);
        CpuParallel.For(s.Batch, (long)s.OutChannels * s.OutPlane * s.Patch, (start, end) =>
        {
            var cols = direct ? null : new T[s.Patch * s.OutPlane];
            for (int n = start; n < end; n++)
            {
                var (source, sourceOffset) = Patches(xa, x.Offset + n * inImage, cols, s);
                int yo = y.Offset + n * outImage;
                CpuGemm.Serial(wa, w.Offset, source, sourceOffset, ya, yo,
                    new GemmShape { M = s.OutChannels, N = s.OutPlane, K = s.Patch, Lda = s.Patch, Ldb = s.OutPlane, Ldc = s.OutPlane, Beta = 0f }, 1.0);
                if (ba is null) continue;
                for (int o = 0; o < s.OutChannels; o++)
                {
                    var plane = ya.AsSpan(yo + o * s.OutPlane, s.OutPlane);
                    for (int k = 0; k < plane.Length; k++) plane[k] += ba[o];
                }
            }
        });
    }

    public void Conv2dBackwardData(BufferSlice g, BufferSlice w, BufferSlice dx, ConvShape s)
    {
        if (g.Buffer is CpuBuffer<float> && PackedSgemm.IsSupported)
            CpuPackedConvolution.BackwardData(Array<float>(g), g.Offset, Array<float>(w), w.Offset, Array<float>(dx), dx.Offset, s);
        else if (g.Buffer is CpuBuffer<float>) Conv2dBackwardData<float>(g, w, dx, s);
        else Conv2dBackwardData<double>(g, w, dx, s);
    }

    // dcols_n [CK, PQ] = Wᵀ [CK, O] · g_n [O, PQ]; dx_n = col2im(dcols_n) (overlapping windows add).
    private static void Conv2dBackwardData<T>(BufferSlice g, BufferSlice w, BufferSlice dx, ConvShape s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ga = Array<T>(g);
        var wa = Array<T>(w);
        var da = Array<T>(dx);
        int inImage = s.Channels * s.InPlane, outImage = s.OutChannels * s.OutPlane;
        bool direct = IsPointwise(s);
        CpuParallel.For(s.Batch, (long)s.OutChannels * s.OutPlane * s.Patch, (start, end) =>
        {
            var cols = direct ? null : new T[s.Patch * s.OutPlane];
            for (int n = start; n < end; n++)
            {
                var shape = new GemmShape { M = s.Patch, N = s.OutPlane, K = s.OutChannels, Lda = s.Patch, Ldb = s.OutPlane, Ldc = s.OutPlane, TransposeA = 1, Beta = 0f };
                if (direct)
                {
                    CpuGemm.Serial(wa, w.Offset, ga, g.Offset + n * outImage, da, dx.Offset + n * inImage, shape, 1.0);
                    continue;
                }
                CpuGemm.Serial(wa, w.Offset, ga, g.Offset + n * outImage, cols!, 0, shape, 1.0);
                Col2Im(cols!, da, dx.Offset + n * inImage, s);
            }
        });
    }

    public void Conv2dBackwardFilter(BufferSlice x, BufferSlice g, BufferSlice dw, ConvShape s)
    {
        if (x.Buffer is CpuBuffer<float> && PackedSgemm.IsSupported)
            CpuPackedConvolution.BackwardFilter(Array<float>(x), x.Offset, Array<float>(g), g.Offset, Array<float>(dw), dw.Offset, s);
        else if (x.Buffer is CpuBuffer<float>) Conv2dBackwardFilter<float>(x, g, dw, s);
        else Conv2dBackwardFilter<double>(x, g, dw, s);
    }

    // dW [O, CK] = Σ_n g_n [O, PQ] · cols_nᵀ [PQ, CK]: one partial sum per chunk of images, added in chunk order.
    private static void Conv2dBackwardFilter<T>(BufferSlice x, BufferSlice g, BufferSlice dw, ConvShape s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var ga = Array<T>(g);
        int inImage = s.Channels * s.InPlane, outImage = s.OutChannels * s.OutPlane;
        bool direct = IsPointwise(s);
        var partials = new T[]?[s.Batch];
        CpuParallel.For(s.Batch, (long)s.OutChannels * s.OutPlane * s.Patch, (start, end) =>
        {
            var cols = direct ? null : new T[s.Patch * s.OutPlane];
            var partial = new T[s.OutChannels * s.Patch];
            for (int n = start; n < end; n++)
            {
                var (source, sourceOffset) = Patches(xa, x.Offset + n * inImage, cols, s);
                CpuGemm.Serial(ga, g.Offset + n * outImage, source, sourceOffset, partial, 0,
                    new GemmShape { M = s.OutChannels, N = s.Patch, K = s.OutPlane, Lda = s.OutPlane, Ldb = s.OutPlane, Ldc = s.Patch, TransposeB = 1, Beta = 1f }, 1.0);
            }
            partials[start] = partial;
        });
        var result = Span<T>(dw);
        result.Clear();
        foreach (var partial in partials)
            if (partial is not null)
                for (int k = 0; k < partial.Length; k++) result[k] += partial[k];
    }

    /// <summary>The patch matrix of one image: the image itself for a pointwise convolution (no <paramref name="cols"/>), else its im2col in <paramref name="cols"/>.</summary>
    private static (T[] Array, int Offset) Patches<T>(T[] x, int imageOffset, T[]? cols, ConvShape s) where T : unmanaged, INumber<T>
    {
        if (cols is null) return (x, imageOffset);
        Im2Col(x, imageOffset, cols, s);
        return (cols, 0);
    }

    /// <summary>A 1×1 convolution with stride 1 and no padding: the image itself is the patch matrix.</summary>
    private static bool IsPointwise(ConvShape s) => s.KernelH == 1 && s.KernelW == 1 && s.Stride == 1 && s.Padding == 0;

    /// <summary>cols[(c·KH + kh)·KW + kw, p·Q + q] = x[c, ih, iw] (0 outside the image).</summary>
    private static void Im2Col<T>(T[] x, int offset, T[] cols, ConvShape s) where T : unmanaged, INumber<T>
    {
        for (int c = 0; c < s.Channels; c++)
        {
            for (int kh = 0; kh < s.KernelH; kh++)
            {
                for (int kw = 0; kw < s.KernelW; kw++)
                {
                    var row = cols.AsSpan(((c * s.KernelH + kh) * s.KernelW + kw) * s.OutPlane, s.OutPlane);
                    for (int p = 0; p < s.OutHeight; p++)
                    {
                        int ih = p * s.Stride - s.Padding + kh;
                        var outRow = row.Slice(p * s.OutWidth, s.OutWidth);
                        if (ih < 0 || ih >= s.Height)
                        {
                            outRow.Clear();
                            continue;
                        }
                        int inRow = offset + (c * s.Height + ih) * s.Width;
                        for (int q = 0; q < s.OutWidth; q++)
                        {
                            int iw = q * s.Stride - s.Padding + kw;
                            outRow[q] = iw >= 0 && iw < s.Width ? x[inRow + iw] : T.Zero;
                        }
                    }
                }
            }
        }
    }

    /// <summary>dx[c, ih, iw] = Σ of the patch-matrix entries that came from it (the adjoint of <see cref="Im2Col{T}"/>).</summary>
    private static void Col2Im<T>(T[] cols, T[] dx, int offset, ConvShape s) where T : unmanaged, INumber<T>
    {
        dx.AsSpan(offset, s.Channels * s.InPlane).Clear();
        for (int c = 0; c < s.Channels; c++)
        {
            for (int kh = 0; kh < s.KernelH; kh++)
            {
                for (int kw = 0; kw < s.KernelW; kw++)
                {
                    var row = cols.AsSpan(((c * s.KernelH + kh) * s.KernelW + kw) * s.OutPlane, s.OutPlane);
                    for (int p = 0; p < s.OutHeight; p++)
                    {
                        int ih = p * s.Stride - s.Padding + kh;
                        if (ih < 0 || ih >= s.Height) continue;
                        int inRow = offset + (c * s.Height + ih) * s.Width;
                        for (int q = 0; q < s.OutWidth; q++)
                        {
                            int iw = q * s.Stride - s.Padding + kw;
                            if (iw >= 0 && iw < s.Width) dx[inRow + iw] += row[p * s.OutWidth + q];
                        }
                    }
                }
            }
        }
    }

    public void MaxPool2dForward(BufferSlice x, BufferSlice y, BufferSlice argMax, ConvShape s)
    {
        if (x.Buffer is CpuBuffer<float>) MaxPool2dForward<float>(x, y, argMax, s);
        else MaxPool2dForward<double>(x, y, argMax, s);
    }

    private static void MaxPool2dForward<T>(BufferSlice x, BufferSlice y, BufferSlice argMax, ConvShape s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var ya = Array<T>(y);
        var ia = Array<int>(argMax);
        CpuParallel.For(s.Batch * s.Channels, (long)s.OutPlane * s.KernelH * s.KernelW, (start, end) =>
        {
            for (int plane = start; plane < end; plane++)
            {
                int xo = x.Offset + plane * s.InPlane;
                for (int p = 0; p < s.OutHeight; p++)
                {
                    for (int q = 0; q < s.OutWidth; q++)
                    {
                        T best = T.NegativeInfinity;
                        int at = -1;
                        for (int kh = 0; kh < s.KernelH; kh++)
                        {
                            int ih = p * s.Stride - s.Padding + kh;
                            if (ih < 0 || ih >= s.Height) continue;
                            for (int kw = 0; kw < s.KernelW; kw++)
                            {
                                int iw = q * s.Stride - s.Padding + kw;
                                if (iw < 0 || iw >= s.Width) continue;
                                T v = xa[xo + ih * s.Width + iw];
                                if (at < 0 || v > best) { best = v; at = ih * s.Width + iw; }
                            }
                        }
                        int o = plane * s.OutPlane + p * s.OutWidth + q;
                        ya[y.Offset + o] = best;
                        ia[argMax.Offset + o] = at;
                    }
                }
            }
        });
    }

    public void MaxPool2dBackward(BufferSlice g, BufferSlice argMax, BufferSlice dx, ConvShape s)
    {
        if (g.Buffer is CpuBuffer<float>) MaxPool2dBackward<float>(g, argMax, dx, s);
        else MaxPool2dBackward<double>(g, argMax, dx, s);
    }

    // Each plane scatters its outputs' gradients to their maxima; planes are independent.
    private static void MaxPool2dBackward<T>(BufferSlice g, BufferSlice argMax, BufferSlice dx, ConvShape s) where T : unmanaged, INumber<T>
    {
        var ga = Array<T>(g);
        var ia = Array<int>(argMax);
        var da = Array<T>(dx);
        CpuParallel.For(s.Batch * s.Channels, s.OutPlane + s.InPlane, (start, end) =>
        {
            for (int plane = start; plane < end; plane++)
            {
                var target = da.AsSpan(dx.Offset + plane * s.InPlane, s.InPlane);
                target.Clear();
                for (int o = 0; o < s.OutPlane; o++)
                {
                    int at = ia[argMax.Offset + plane * s.OutPlane + o];
                    if (at >= 0) target[at] += ga[g.Offset + plane * s.OutPlane + o];
                }
            }
        });
    }

    public void AvgPool2dForward(BufferSlice x, BufferSlice y, ConvShape s)
    {
        if (x.Buffer is CpuBuffer<float>) AvgPool2d<float>(x, y, s, backward: false);
        else AvgPool2d<double>(x, y, s, backward: false);
    }

    public void AvgPool2dBackward(BufferSlice g, BufferSlice dx, ConvShape s)
    {
        if (g.Buffer is CpuBuffer<float>) AvgPool2d<float>(g, dx, s, backward: true);
        else AvgPool2d<double>(g, dx, s, backward: true);
    }

    /// <summary>Forward: window means (zero padding counted, divisor KH·KW). Backward: each output's gradient spread evenly over its window.</summary>
    private static void AvgPool2d<T>(BufferSlice source, BufferSlice target, ConvShape s, bool backward) where T : unmanaged, INumber<T>
    {
        var sa = Array<T>(source);
        var ta = Array<T>(target);
        T scale = T.One / T.CreateChecked(s.KernelH * s.KernelW);
        CpuParallel.For(s.Batch * s.Channels, (long)s.OutPlane * s.KernelH * s.KernelW, (start, end) =>
        {
            for (int plane = start; plane < end; plane++)
            {
                int inBase = plane * s.InPlane, outBase = plane * s.OutPlane;
                if (backward) ta.AsSpan(target.Offset + inBase, s.InPlane).Clear();
                for (int p = 0; p < s.OutHeight; p++)
                {
                    for (int q = 0; q < s.OutWidth; q++)
                    {
                        int o = outBase + p * s.OutWidth + q;
                        T sum = T.Zero, spread = backward ? sa[source.Offset + o] * scale : T.Zero;
                        for (int kh = 0; kh < s.KernelH; kh++)
                        {
                            int ih = p * s.Stride - s.Padding + kh;
                            if (ih < 0 || ih >= s.Height) continue;
                            for (int kw = 0; kw < s.KernelW; kw++)
                            {
                                int iw = q * s.Stride - s.Padding + kw;
                                if (iw < 0 || iw >= s.Width) continue;
                                if (backward) ta[target.Offset + inBase + ih * s.Width + iw] += spread;
                                else sum += sa[source.Offset + inBase + ih * s.Width + iw];
                            }
                        }
                        if (!backward) ta[target.Offset + o] = sum * scale;
                    }
                }
            }
        });
    }
}
