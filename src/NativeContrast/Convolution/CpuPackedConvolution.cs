using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>
/// Float32 convolution on AVX2 + FMA, images in parallel, without re-packing what does not change. Each direction takes
/// the first path that fits the shape:
/// <list type="number">
/// <item>3×3 at stride 1 with C &lt; 8 (a first layer): computed directly, forward and filter gradient
/// (<see cref="DirectConvolution"/>);</item>
/// <item>3×3 at stride 1 with C, O ≥ 8: Winograd's F(2×2, 3×3), all three directions (<see cref="WinogradConvolution"/>);</item>
/// <item>C ≥ 8 otherwise (the strided layers): the forward and the data gradient are indirect GEMMs
/// (<see cref="IndirectSgemm"/>): the image (or upstream gradient) is copied channels-last once, and the micro-kernel reads
/// each window's rows in place through an offset table (<see cref="ConvIndirection"/>), so there is no patch matrix, no
/// gather and no col2im. The filter gradient multiplies the upstream gradient by the transposed patch matrix, packed from
/// the channels-last copy with vector copies when C is a multiple of 16, and per-thread partials are summed;</item>
/// <item>the rest (small C with a stride or narrow rows, a first layer's data gradient, pointwise): the filter packed once
/// as the A operand and the patch matrix gathered with AVX2 into packed panels (im2col), multiplied by
/// <see cref="PackedSgemm.MultiplyPacked"/>.</item>
/// </list>
/// Same math as <c>CpuBackend.Conv2d*</c> for float64. Shape legend: O filters, CK = C·KH·KW patch rows, PQ output
/// positions per image.
/// </summary>
internal static unsafe class CpuPackedConvolution
{
    // y_n [O, PQ] = W [O, CK] · cols_n [CK, PQ] (+ bias).
    public static void Forward(float[] x, int xOffset, float[] w, int wOffset, float[]? bias, float[] y, int yOffset, ConvShape s)
    {
        int patch = s.Patch, plane = s.OutPlane, outImage = s.OutChannels * plane, inImage = s.Channels * s.InPlane;
        fixed (float* wp = w, xp = x, yp = y)
        {
            if (DirectConvolution.Supports(s))
            {
                DirectConvolution.Forward(xp + xOffset, wp + wOffset, bias, yp + yOffset, s);
                return;
            }
            if (WinogradConvolution.Supports(s))
            {
                WinogradConvolution.Forward(xp + xOffset, wp + wOffset, bias, yp + yOffset, s);
                return;
            }
            if (UsesIndirectForward(s))
            {
                ForwardIndirect(xp + xOffset, wp + wOffset, bias, yp + yOffset, s);
                return;
            }
            float* packedW = Alloc(PackedSgemm.PackedASize(s.OutChannels, patch));
            float* wBase = wp + wOffset, xBase = xp + xOffset, yBase = yp + yOffset;
            try
            {
                PackedSgemm.PackAsA(wBase, patch, false, s.OutChannels, patch, packedW);
                PerImage(s.Batch, (long)outImage * patch, () => new Buffers(s), (n, b) =>
                {
                    float* image = xBase + n * inImage;
                    if (IsPointwise(s)) PackedSgemm.PackAsB(image, plane, false, patch, plane, b.PackedB);
                    else Im2ColPacked(image, b.PackedB, s, b.Offsets);
                    float* output = yBase + n * outImage;
                    PackedSgemm.MultiplyPacked(packedW, s.OutChannels, b.PackedB, plane, patch, output, plane, 1f, overwrite: true);
                    if (bias is null) return;
                    for (int o = 0; o < s.OutChannels; o++)
                    {
                        var row = new Span<float>(output + o * plane, plane);
                        float v = bias[o];
                        for (int k = 0; k < row.Length; k++) row[k] += v;
                    }
                });
            }
            finally
            {
                NativeMemory.AlignedFree(packedW);
            }
        }
    }

    // dcols_n [CK, PQ] = Wᵀ [CK, O] · g_n [O, PQ]; dx_n = col2im(dcols_n).
    public static void BackwardData(float[] g, int gOffset, float[] w, int wOffset, float[] dx, int dxOffset, ConvShape s)
    {
        int patch = s.Patch, plane = s.OutPlane, outImage = s.OutChannels * plane, inImage = s.Channels * s.InPlane;
        fixed (float* wp = w, gp = g, dp = dx)
        {
            if (WinogradConvolution.Supports(s))
            {
                WinogradConvolution.BackwardData(gp + gOffset, wp + wOffset, dp + dxOffset, s);
                return;
            }
            if (UsesIndirectDataGradient(s))
            {
                BackwardDataIndirect(gp + gOffset, wp + wOffset, dp + dxOffset, s);
                return;
            }
            float* packedWt = Alloc(PackedSgemm.PackedASize(patch, s.OutChannels));
            float* wBase = wp + wOffset, gBase = gp + gOffset, dBase = dp + dxOffset;
            try
            {
                PackedSgemm.PackAsA(wBase, patch, true, patch, s.OutChannels, packedWt);
                PerImage(s.Batch, (long)outImage * patch, () => new Buffers(s), (n, b) =>
                {
                    PackedSgemm.PackAsB(gBase + n * outImage, plane, false, s.OutChannels, plane, b.PackedB);
                    float* target = dBase + n * inImage;
                    if (IsPointwise(s))
                    {
                        PackedSgemm.MultiplyPacked(packedWt, patch, b.PackedB, plane, s.OutChannels, target, plane, 1f, overwrite: true);
                        return;
                    }
                    PackedSgemm.MultiplyPacked(packedWt, patch, b.PackedB, plane, s.OutChannels, b.Columns, plane, 1f, overwrite: true);
                    Col2Im(b.Columns, target, s);
                });
            }
            finally
            {
                NativeMemory.AlignedFree(packedWt);
            }
        }
    }

    // dW [O, CK] = Σ_n g_n [O, PQ] · cols_nᵀ [PQ, CK], per-thread partials added at the end. With C a multiple of 16
    // the patch columns are taken in tap-major order (t, c) from a channels-last copy of the image, so each packed
    // panel row is 16 contiguous channels (two vector copies, no gathers); the sum is put back in (c, t) order at the end.
    public static void BackwardFilter(float[] x, int xOffset, float[] g, int gOffset, float[] dw, int dwOffset, ConvShape s)
    {
        if (DirectConvolution.Supports(s))
        {
            fixed (float* xp = x, gp = g, dp = dw) DirectConvolution.BackwardFilter(xp + xOffset, gp + gOffset, dp + dwOffset, s);
            return;
        }
        if (WinogradConvolution.Supports(s))
        {
            fixed (float* xp = x, gp = g, dp = dw) WinogradConvolution.BackwardFilter(xp + xOffset, gp + gOffset, dp + dwOffset, s);
            return;
        }
        int patch = s.Patch, plane = s.OutPlane, outImage = s.OutChannels * plane, inImage = s.Channels * s.InPlane;
        bool tapMajor = UsesTapMajorFilterGradient(s);
        var total = new float[s.OutChannels * patch];
        var partials = new float[]?[CpuParallel.Threads];
        using var table = tapMajor ? ConvIndirection.Forward(s) : null;
        fixed (float* xp = x, gp = g)
        {
            float* xBase = xp + xOffset, gBase = gp + gOffset;
            PerImage(s.Batch, (long)outImage * patch, () => new Buffers(s, withPartial: true), (n, b) =>
            {
                float* source = xBase + n * inImage;
                PackedSgemm.PackAsA(gBase + n * outImage, plane, false, s.OutChannels, plane, b.PackedA);
                if (IsPointwise(s)) PackedSgemm.PackAsB(source, plane, true, plane, patch, b.PackedB);
                else if (table is not null)
                {
                    IndirectSgemm.ToChannelsLast(source, s.Channels, s.InPlane, b.ChannelsLast);
                    PackTapMajorPatches(b.ChannelsLast, table, s, b.PackedB);
                }
                else Im2ColTransposedPacked(source, b.PackedB, s);
                PackedSgemm.MultiplyPacked(b.PackedA, s.OutChannels, b.PackedB, patch, plane, b.Partial, patch, 1f, overwrite: false);
            }, (thread, b) => partials[thread] = new Span<float>(b.Partial, b.PartialLength).ToArray());
        }
        // Added in thread order: the same sum in every run.
        foreach (var partial in partials)
            if (partial is not null)
                for (int k = 0; k < total.Length; k++) total[k] += partial[k];
        if (!tapMajor)
        {
            total.CopyTo(dw.AsSpan(dwOffset, total.Length));
            return;
        }
        int taps = s.KernelH * s.KernelW;
        for (int o = 0; o < s.OutChannels; o++)
            for (int t = 0; t < taps; t++)
                for (int c = 0; c < s.Channels; c++)
                    dw[dwOffset + o * patch + c * taps + t] = total[o * patch + t * s.Channels + c];
    }

    // y_n [O, PQ] = W [O, CK] · cols_n [CK, PQ] as an indirect GEMM over a channels-last copy of the image (no patch matrix):
    // depth C per tap, columns O, B[t·C + c][o] = W[o, c, t].
    private static void ForwardIndirect(float* x, float* w, float[]? bias, float* y, ConvShape s)
    {
        int taps = s.KernelH * s.KernelW;
        float* packed = Alloc(IndirectSgemm.PackedSize(s.OutChannels, taps, s.Channels));
        float* paddedBias = bias is null ? null : Alloc(IndirectSgemm.PackedSize(s.OutChannels, 1, 1));
        using var table = ConvIndirection.Forward(s);
        try
        {
            IndirectSgemm.PackWeights(w, s.OutChannels, s.Channels, taps, s.Channels * taps, taps, packed);
            if (bias is not null) bias.AsSpan().CopyTo(new Span<float>(paddedBias, bias.Length));
            RunIndirect(x, s.Channels, s.InPlane, packed, s.OutChannels, table, y, s.OutPlane, paddedBias, s);
        }
        finally
        {
            NativeMemory.AlignedFree(packed);
            if (paddedBias is not null) NativeMemory.AlignedFree(paddedBias);
        }
    }

    // dx_n [C, HW]: every input pixel gathers the (W, g) products of the windows covering it, as an indirect GEMM over a
    // channels-last copy of g_n (see ConvIndirection.DataGradient): depth O per tap, columns C, B[t·O + o][c] = W[o, c, t].
    // No col2im; every pixel is written once.
    private static void BackwardDataIndirect(float* g, float* w, float* dx, ConvShape s)
    {
        int taps = s.KernelH * s.KernelW;
        float* packed = Alloc(IndirectSgemm.PackedSize(s.Channels, taps, s.OutChannels));
        using var table = ConvIndirection.DataGradient(s);
        try
        {
            IndirectSgemm.PackWeights(w, s.Channels, s.OutChannels, taps, taps, s.Channels * taps, packed);
            RunIndirect(g, s.OutChannels, s.OutPlane, packed, s.Channels, table, dx, s.InPlane, null, s);
        }
        finally
        {
            NativeMemory.AlignedFree(packed);
        }
    }

    /// <summary>
    /// For every image n: source_n [depth, sourcePlane] to channels-last, every tile of <paramref name="table"/> against
    /// every 16-column panel of <paramref name="packed"/> into the channels-last result, then the result back to
    /// output_n [columns, outputPlane] (+ bias).
    /// </summary>
    private static void RunIndirect(float* source, int depth, int sourcePlane, float* packed, int columns, ConvIndirection table,
        float* output, int outputPlane, float* bias, ConvShape s)
    {
        int taps = table.Taps, rows = IndirectSgemm.TileRows, stride = IndirectSgemm.PackedSize(columns, 1, 1);
        PerImage(s.Batch, (long)s.OutChannels * s.OutPlane * s.Patch, () => new Buffers(s), (n, b) =>
        {
            IndirectSgemm.ToChannelsLast(source + n * depth * sourcePlane, depth, sourcePlane, b.ChannelsLast);
            for (int j0 = 0; j0 < columns; j0 += IndirectSgemm.TileColumns)
            {
                float* panel = packed + j0 * taps * depth;
                for (int tile = 0; tile < table.Tiles; tile++)
                    IndirectSgemm.Tile(b.ChannelsLast, b.Zeros, table.Offsets + tile * taps * rows, taps, depth, panel, table.Positions + tile * rows, b.Result + j0, stride);
            }
            IndirectSgemm.ToChannelsFirst(b.Result, columns, outputPlane, stride, output + n * columns * outputPlane, bias);
        });
    }

    /// <summary>
    /// colsᵀ [PQ, (t, c)] in the packed-B layout from a channels-last image (C a multiple of 16): panel (t, c0) row pq is
    /// channels c0 … c0 + 15 of the pixel tap t of window pq reads, or zeros in the padding.
    /// </summary>
    private static void PackTapMajorPatches(float* channelsLast, ConvIndirection table, ConvShape s, float* packed)
    {
        const int Panel = 16;
        int plane = s.OutPlane, groups = s.Channels / Panel;
        for (int t = 0; t < table.Taps; t++)
        {
            for (int pq = 0; pq < plane; pq++)
            {
                int offset = table.ForwardOffset(pq, t);
                for (int group = 0; group < groups; group++)
                {
                    float* row = packed + ((t * groups + group) * plane + pq) * Panel;
                    if (offset < 0)
                    {
                        Vector256<float>.Zero.Store(row);
                        Vector256<float>.Zero.Store(row + 8);
                        continue;
                    }
                    float* pixel = channelsLast + offset + group * Panel;
                    Vector256.Load(pixel).Store(row);
                    Vector256.Load(pixel + 8).Store(row + 8);
                }
            }
        }
    }

    // The indirect kernels need enough depth per tap to pay for their pointer set-up, and enough output columns to fill
    // a 16-wide panel reasonably: the small CNN's first layer (C = 1) keeps the gathered patch matrix and col2im
    // (its data gradient took twice as long through the indirect kernel, 15 of every 16 columns being padding).
    private static bool UsesIndirectForward(ConvShape s) => !IsPointwise(s) && s.Channels >= 8;

    private static bool UsesIndirectDataGradient(ConvShape s) => !IsPointwise(s) && s.OutChannels >= 8 && s.Channels >= 8;

    private static bool UsesTapMajorFilterGradient(ConvShape s) => !IsPointwise(s) && s.Channels % 16 == 0;

    private static bool IsPointwise(ConvShape s) => s.KernelH == 1 && s.KernelW == 1 && s.Stride == 1 && s.Padding == 0;

    /// <summary>
    /// im2col written straight in the packed-B layout <see cref="PackedSgemm.MultiplyPacked"/> reads: for each
    /// panel of 16 output positions, for each patch row k = (c, kh, kw), the 16 input values (0 outside
    /// the image), gathered with AVX2. The loops run channel by channel with every panel inside, so the
    /// channel's plane stays in L1 while all its gathers read it (panel by panel, each gather missed L1:
    /// the whole image was swept once per panel, and the gathers took about twice the multiply's time).
    /// The per-panel start rows and columns depend only on the shape: <see cref="PanelOrigins"/>.
    /// </summary>
    private static void Im2ColPacked(float* x, float* packed, ConvShape s, int* origins)
    {
        const int Panel = 16;
        int plane = s.OutPlane, patch = s.Patch, panels = (plane + Panel - 1) / Panel;
        var zero = Vector256<float>.Zero;
        var height = Vector256.Create(s.Height);
        var width = Vector256.Create(s.Width);
        int k = 0;
        for (int c = 0; c < s.Channels; c++)
        {
            float* channel = x + c * s.InPlane;
            for (int kh = 0; kh < s.KernelH; kh++)
            {
                var khv = Vector256.Create(kh);
                for (int kw = 0; kw < s.KernelW; kw++, k++)
                {
                    var kwv = Vector256.Create(kw);
                    for (int panel = 0; panel < panels; panel++)
                    {
                        int* o = origins + panel * 2 * Panel;
                        var ih0 = Vector256.Load(o) + khv;
                        var ih1 = Vector256.Load(o + 8) + khv;
                        var iw0 = Vector256.Load(o + Panel) + kwv;
                        var iw1 = Vector256.Load(o + Panel + 8) + kwv;
                        var ok0 = Vector256.GreaterThanOrEqual(ih0, Vector256<int>.Zero) & Vector256.LessThan(ih0, height)
                            & Vector256.GreaterThanOrEqual(iw0, Vector256<int>.Zero) & Vector256.LessThan(iw0, width);
                        var ok1 = Vector256.GreaterThanOrEqual(ih1, Vector256<int>.Zero) & Vector256.LessThan(ih1, height)
                            & Vector256.GreaterThanOrEqual(iw1, Vector256<int>.Zero) & Vector256.LessThan(iw1, width);
                        var index0 = Vector256.ConditionalSelect(ok0, ih0 * width + iw0, Vector256<int>.Zero);
                        var index1 = Vector256.ConditionalSelect(ok1, ih1 * width + iw1, Vector256<int>.Zero);
                        float* destination = packed + panel * Panel * patch + k * Panel;
                        System.Runtime.Intrinsics.X86.Avx2.GatherMaskVector256(zero, channel, index0, ok0.AsSingle(), 4).Store(destination);
                        System.Runtime.Intrinsics.X86.Avx2.GatherMaskVector256(zero, channel, index1, ok1.AsSingle(), 4).Store(destination + 8);
                    }
                }
            }
        }
    }

    /// <summary>
    /// For each panel of 16 output positions: the 16 top rows then the 16 left columns of their windows
    /// (row·stride − padding, column·stride − padding); positions past the end get a row that is never
    /// inside the image, so the last panel is padded with zeros.
    /// </summary>
    private static void PanelOrigins(ConvShape s, int* origins)
    {
        const int Panel = 16;
        int plane = s.OutPlane, panels = (plane + Panel - 1) / Panel;
        for (int panel = 0; panel < panels; panel++)
        {
            for (int t = 0; t < Panel; t++)
            {
                int pq = panel * Panel + t;
                origins[panel * 2 * Panel + t] = pq < plane ? pq / s.OutWidth * s.Stride - s.Padding : int.MinValue / 2;
                origins[panel * 2 * Panel + Panel + t] = pq < plane ? pq % s.OutWidth * s.Stride - s.Padding : int.MinValue / 2;
            }
        }
    }

    /// <summary>
    /// The transposed patch matrix colsᵀ [PQ, CK] written straight in the packed-B layout (the filter
    /// gradient's right operand): for each panel of 16 patch rows k = (c, kh, kw) and each output position,
    /// the 16 input values (0 outside the image), gathered with AVX2 from per-lane offsets set once per panel.
    /// Replaces im2col followed by a transposing pack (two passes, the first scalar).
    /// </summary>
    private static void Im2ColTransposedPacked(float* x, float* packed, ConvShape s)
    {
        const int Panel = 16;
        int plane = s.OutPlane, patch = s.Patch, taps = s.KernelH * s.KernelW;
        var zero = Vector256<float>.Zero;
        var height = Vector256.Create(s.Height);
        var width = Vector256.Create(s.Width);
        int* lanes = stackalloc int[3 * Panel];
        for (int k0 = 0; k0 < patch; k0 += Panel)
        {
            for (int t = 0; t < Panel; t++)
            {
                int k = k0 + t;
                // Patch rows past the end: a row offset that is never inside the image.
                lanes[t] = k < patch ? k / taps * s.InPlane : 0;
                lanes[Panel + t] = k < patch ? k % taps / s.KernelW : int.MinValue / 2;
                lanes[2 * Panel + t] = k < patch ? k % s.KernelW : int.MinValue / 2;
            }
            var channel0 = Vector256.Load(lanes);
            var channel1 = Vector256.Load(lanes + 8);
            var kh0 = Vector256.Load(lanes + Panel);
            var kh1 = Vector256.Load(lanes + Panel + 8);
            var kw0 = Vector256.Load(lanes + 2 * Panel);
            var kw1 = Vector256.Load(lanes + 2 * Panel + 8);
            float* panel = packed + k0 * plane;
            for (int pq = 0; pq < plane; pq++)
            {
                var top = Vector256.Create(pq / s.OutWidth * s.Stride - s.Padding);
                var left = Vector256.Create(pq % s.OutWidth * s.Stride - s.Padding);
                var ih0 = top + kh0;
                var ih1 = top + kh1;
                var iw0 = left + kw0;
                var iw1 = left + kw1;
                var ok0 = Vector256.GreaterThanOrEqual(ih0, Vector256<int>.Zero) & Vector256.LessThan(ih0, height)
                    & Vector256.GreaterThanOrEqual(iw0, Vector256<int>.Zero) & Vector256.LessThan(iw0, width);
                var ok1 = Vector256.GreaterThanOrEqual(ih1, Vector256<int>.Zero) & Vector256.LessThan(ih1, height)
                    & Vector256.GreaterThanOrEqual(iw1, Vector256<int>.Zero) & Vector256.LessThan(iw1, width);
                var index0 = Vector256.ConditionalSelect(ok0, channel0 + ih0 * width + iw0, Vector256<int>.Zero);
                var index1 = Vector256.ConditionalSelect(ok1, channel1 + ih1 * width + iw1, Vector256<int>.Zero);
                System.Runtime.Intrinsics.X86.Avx2.GatherMaskVector256(zero, x, index0, ok0.AsSingle(), 4).Store(panel + pq * Panel);
                System.Runtime.Intrinsics.X86.Avx2.GatherMaskVector256(zero, x, index1, ok1.AsSingle(), 4).Store(panel + pq * Panel + 8);
            }
        }
    }

    /// <summary>
    /// dx[c, ih, iw] = Σ of the patch-matrix entries that came from it. For each patch row and output row,
    /// the output columns whose input column lies inside the image form one range [qLo, qHi), found once;
    /// with stride 1 that range is a contiguous run in both rows and is added with Vector256.
    /// </summary>
    private static void Col2Im(float* cols, float* dx, ConvShape s)
    {
        new Span<float>(dx, s.Channels * s.InPlane).Clear();
        for (int c = 0; c < s.Channels; c++)
        {
            float* channel = dx + c * s.InPlane;
            for (int kh = 0; kh < s.KernelH; kh++)
            {
                for (int kw = 0; kw < s.KernelW; kw++)
                {
                    float* row = cols + ((c * s.KernelH + kh) * s.KernelW + kw) * s.OutPlane;
                    // iw = q·stride − padding + kw must lie in [0, Width).
                    int shift = kw - s.Padding;
                    int qLo = shift >= 0 ? 0 : (-shift + s.Stride - 1) / s.Stride;
                    int qHi = Math.Min(s.OutWidth, (s.Width - 1 - shift) / s.Stride + 1);
                    if (s.Width - 1 - shift < 0) qHi = 0;
                    for (int p = 0; p < s.OutHeight; p++)
                    {
                        int ih = p * s.Stride - s.Padding + kh;
                        if (ih < 0 || ih >= s.Height) continue;
                        float* inRow = channel + ih * s.Width + shift;
                        float* outRow = row + p * s.OutWidth;
                        if (s.Stride == 1)
                        {
                            int q = qLo;
                            for (; q + 8 <= qHi; q += 8)
                                (Vector256.Load(inRow + q) + Vector256.Load(outRow + q)).Store(inRow + q);
                            for (; q < qHi; q++) inRow[q] += outRow[q];
                        }
                        else
                        {
                            for (int q = qLo; q < qHi; q++) inRow[q * s.Stride] += outRow[q];
                        }
                    }
                }
            }
        }
    }

    private static float* Alloc(int floats) => (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, floats) * sizeof(float), 64);

    /// <summary>
    /// Runs body(n, buffers) for every image on up to one thread per core, each thread with its own buffers. With
    /// <paramref name="finish"/> (per-thread partial sums, handed over by finish(thread, buffers)), thread t takes images
    /// t, t + T, …: a fixed assignment, so the partial sums are the same in every run. Without it every image's result is
    /// its own, and the images are handed out as threads come free: a core that the host's other work slows down takes
    /// fewer, and the other does not wait for it at the end.
    /// </summary>
    internal static void PerImage<TBuffers>(int batch, long costPerImage, Func<TBuffers> create, Action<int, TBuffers> body, Action<int, TBuffers>? finish = null)
        where TBuffers : IDisposable
    {
        int threads = (int)Math.Clamp((long)batch * costPerImage / CpuParallel.SerialThreshold, 1, Math.Min(CpuParallel.Threads, batch));
        void Work(int thread)
        {
            using var b = create();
            for (int n = thread; n < batch; n += threads) body(n, b);
            finish?.Invoke(thread, b);
        }
        if (threads <= 1) Work(0);
        else if (finish is not null) Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, Work);
        else
        {
            int next = -1;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
            {
                using var b = create();
                for (int n = Interlocked.Increment(ref next); n < batch; n = Interlocked.Increment(ref next)) body(n, b);
            });
        }
    }

    /// <summary>One thread's buffers: the patch matrix, the packed operands and (filter gradient) the partial sum.</summary>
    private sealed class Buffers : IDisposable
    {
        public Buffers(ConvShape s, bool withPartial = false)
        {
            int patch = s.Patch, plane = s.OutPlane;
            Columns = Alloc(patch * plane);
            PackedB = Alloc(Math.Max(PackedSgemm.PackedBSize(plane, Math.Max(patch, s.OutChannels)), PackedSgemm.PackedBSize(patch, plane)));
            PackedA = Alloc(PackedSgemm.PackedASize(s.OutChannels, plane));
            PartialLength = withPartial ? s.OutChannels * patch : 0;
            Partial = Alloc(PartialLength);
            Offsets = (int*)NativeMemory.AlignedAlloc((nuint)((plane + 15) / 16 * 32 * sizeof(int)), 64);
            PanelOrigins(s, Offsets);
            new Span<float>(Partial, PartialLength).Clear();
            ChannelsLast = Alloc(Math.Max(s.Channels * s.InPlane, s.OutChannels * plane));
            Result = Alloc(Math.Max(s.InPlane * RoundUp16(s.Channels), plane * RoundUp16(s.OutChannels)));
            ZerosLength = Math.Max(s.Channels, s.OutChannels);
            Zeros = Alloc(ZerosLength);
            new Span<float>(Zeros, ZerosLength).Clear();
        }

        public float* Columns { get; }

        public float* PackedB { get; }

        public float* PackedA { get; }

        public float* Partial { get; }

        public int PartialLength { get; }

        /// <summary>One image (or upstream gradient) in channels-last order, for the indirect kernels.</summary>
        public float* ChannelsLast { get; }

        /// <summary>The indirect kernels' result for one image, channels-last with rows padded to whole 16-column panels.</summary>
        public float* Result { get; }

        /// <summary>A row of zeros the indirect kernels read where a tap falls in the padding.</summary>
        public float* Zeros { get; }

        private int ZerosLength { get; }

        /// <summary>Every panel's start rows and columns for <see cref="Im2ColPacked"/> (2 × 16 ints per panel).</summary>
        public int* Offsets { get; }

        public void Dispose()
        {
            NativeMemory.AlignedFree(Columns);
            NativeMemory.AlignedFree(PackedB);
            NativeMemory.AlignedFree(PackedA);
            NativeMemory.AlignedFree(Partial);
            NativeMemory.AlignedFree(Offsets);
            NativeMemory.AlignedFree(ChannelsLast);
            NativeMemory.AlignedFree(Zeros);
            NativeMemory.AlignedFree(Result);
        }

        private static int RoundUp16(int value) => (value + 15) / 16 * 16;
    }
}
