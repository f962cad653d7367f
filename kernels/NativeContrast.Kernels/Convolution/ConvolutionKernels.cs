using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// 2-D convolution and pooling over NCHW tensors (see <see cref="ConvShape"/>). Shape legend:
/// N = batch, C = input channels, O = output channels, H×W input, P×Q output, K = KernelH×KernelW,
/// ih = p·stride − padding + kh.
/// Variants:
///   1. *Naive: one thread per output element (forward), per input element (data gradient, a gather:
///      no atomics) or per weight (filter gradient). The reference the tiled variant is checked against.
///   2. ImplicitGemmTiled: each direction as a matrix product whose operands are read in place
///      (ConvForwardGemm, ConvDataGemm in gather form, ConvFilterGemm): a 16×16 thread group computes a
///      64×64 block of C, staging 16-deep slices of A and B in shared memory (transposed, padded) and
///      keeping a 4×4 register micro-tile per thread, like the contrastive kernels' variant 2. No
///      unfolded copy in memory, no atomics. (The filter gradient's long reduction is not split: its
///      grid is only ⌈O/64⌉·⌈C·KH·KW/64⌉ groups.)
/// </summary>
public static class ConvolutionKernels
{
    /// <summary>C = A·B for one <see cref="IImplicitGemm"/>. Grid: ⌈N/64⌉ × ⌈M/64⌉ groups of 16×16 threads.</summary>
    public static void ImplicitGemmTiled<TGemm>(TGemm gemm) where TGemm : struct, IImplicitGemm
    {
        const int tile = ContrastiveKernels.TileRows, side = ContrastiveKernels.GroupSide, depth = ContrastiveKernels.DepthChunk, pad = tile + 1;
        var tileA = SharedMemory.Allocate<float>(depth * pad);
        var tileB = SharedMemory.Allocate<float>(depth * pad);
        int tx = Group.IdxX, ty = Group.IdxY, thread = ty * side + tx;
        int rowBase = Grid.IdxY * tile, colBase = Grid.IdxX * tile;
        int m = gemm.M, n = gemm.N, kTotal = gemm.K;
        MicroTile c = default;
        for (int k0 = 0; k0 < kTotal; k0 += depth)
        {
            // tileA[k][r] = A[rowBase + r, k0 + k]; tileB[k][j] = B[k0 + k, colBase + j] (consecutive threads: consecutive j).
            for (int e = thread; e < tile * depth; e += side * side)
            {
                int r = e / depth, k = e % depth;
                tileA[k * pad + r] = rowBase + r < m && k0 + k < kTotal ? gemm.A(rowBase + r, k0 + k) : 0f;
                int j = e % tile, kb = e / tile;
                tileB[kb * pad + j] = colBase + j < n && k0 + kb < kTotal ? gemm.B(k0 + kb, colBase + j) : 0f;
            }
            Group.Barrier();
            for (int k = 0; k < depth; k++)
                c.AddOuter(Float4.Load(tileA, k * pad + ty * 4, 1), Float4.Load(tileB, k * pad + tx, side));
            Group.Barrier();
        }
        for (int i = 0; i < 4; i++)
        {
            int row = rowBase + ty * 4 + i;
            if (row >= m) continue;
            var values = c.Row(i);
            for (int j = 0; j < 4; j++)
            {
                int column = colBase + tx + side * j;
                if (column < n) gemm.Store(row, column, values.Get(j));
            }
        }
    }

    /// <summary>y[n,o,p,q] = Σ_{c,kh,kw} x[n,c,ih,iw]·w[o,c,kh,kw] (+ bias[o] when hasBias).</summary>
    public static void Conv2dForwardNaive(Index1D index, ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y, ConvShape s, int hasBias)
    {
        int q = index % s.OutWidth, p = index / s.OutWidth % s.OutHeight, o = index / s.OutPlane % s.OutChannels, n = index / (s.OutPlane * s.OutChannels);
        float sum = hasBias != 0 ? bias[o] : 0f;
        for (int c = 0; c < s.Channels; c++)
        {
            for (int kh = 0; kh < s.KernelH; kh++)
            {
                int ih = p * s.Stride - s.Padding + kh;
                if (ih < 0 || ih >= s.Height) continue;
                for (int kw = 0; kw < s.KernelW; kw++)
                {
                    int iw = q * s.Stride - s.Padding + kw;
                    if (iw < 0 || iw >= s.Width) continue;
                    sum += x[((n * s.Channels + c) * s.Height + ih) * s.Width + iw] * w[((o * s.Channels + c) * s.KernelH + kh) * s.KernelW + kw];
                }
            }
        }
        y[index] = sum;
    }

    /// <summary>dx[n,c,h,w] = Σ over (o, kh, kw) whose window covers (h, w) of g[n,o,p,q]·w[o,c,kh,kw].</summary>
    public static void Conv2dBackwardDataNaive(Index1D index, ArrayView<float> g, ArrayView<float> w, ArrayView<float> dx, ConvShape s)
    {
        int iw = index % s.Width, ih = index / s.Width % s.Height, c = index / s.InPlane % s.Channels, n = index / (s.InPlane * s.Channels);
        float sum = 0f;
        for (int kh = 0; kh < s.KernelH; kh++)
        {
            int pStride = ih + s.Padding - kh;
            if (pStride < 0 || pStride % s.Stride != 0) continue;
            int p = pStride / s.Stride;
            if (p >= s.OutHeight) continue;
            for (int kw = 0; kw < s.KernelW; kw++)
            {
                int qStride = iw + s.Padding - kw;
                if (qStride < 0 || qStride % s.Stride != 0) continue;
                int q = qStride / s.Stride;
                if (q >= s.OutWidth) continue;
                for (int o = 0; o < s.OutChannels; o++)
                    sum += g[((n * s.OutChannels + o) * s.OutHeight + p) * s.OutWidth + q] * w[((o * s.Channels + c) * s.KernelH + kh) * s.KernelW + kw];
            }
        }
        dx[index] = sum;
    }

    /// <summary>dw[o,c,kh,kw] = Σ_{n,p,q} g[n,o,p,q]·x[n,c,ih,iw].</summary>
    public static void Conv2dBackwardFilterNaive(Index1D index, ArrayView<float> x, ArrayView<float> g, ArrayView<float> dw, ConvShape s)
    {
        int kw = index % s.KernelW, kh = index / s.KernelW % s.KernelH, c = index / (s.KernelW * s.KernelH) % s.Channels, o = index / s.Patch;
        float sum = 0f;
        for (int n = 0; n < s.Batch; n++)
        {
            for (int p = 0; p < s.OutHeight; p++)
            {
                int ih = p * s.Stride - s.Padding + kh;
                if (ih < 0 || ih >= s.Height) continue;
                for (int q = 0; q < s.OutWidth; q++)
                {
                    int iw = q * s.Stride - s.Padding + kw;
                    if (iw < 0 || iw >= s.Width) continue;
                    sum += g[((n * s.OutChannels + o) * s.OutHeight + p) * s.OutWidth + q] * x[((n * s.Channels + c) * s.Height + ih) * s.Width + iw];
                }
            }
        }
        dw[index] = sum;
    }

    /// <summary>y[n,c,p,q] = max of the window (padding counts as −∞); argMax = h·W + w of the first maximum, −1 for an empty window.</summary>
    public static void MaxPool2dForwardNaive(Index1D index, ArrayView<float> x, ArrayView<float> y, ArrayView<int> argMax, ConvShape s)
    {
        int q = index % s.OutWidth, p = index / s.OutWidth % s.OutHeight, plane = index / s.OutPlane;
        float best = float.NegativeInfinity;
        int at = -1;
        for (int kh = 0; kh < s.KernelH; kh++)
        {
            int ih = p * s.Stride - s.Padding + kh;
            if (ih < 0 || ih >= s.Height) continue;
            for (int kw = 0; kw < s.KernelW; kw++)
            {
                int iw = q * s.Stride - s.Padding + kw;
                if (iw < 0 || iw >= s.Width) continue;
                float v = x[plane * s.InPlane + ih * s.Width + iw];
                if (at < 0 || v > best) { best = v; at = ih * s.Width + iw; }
            }
        }
        y[index] = best;
        argMax[index] = at;
    }

    /// <summary>dx[n,c,h,w] = Σ g over the windows whose maximum was (h, w) (a gather over the few windows covering it).</summary>
    public static void MaxPool2dBackwardNaive(Index1D index, ArrayView<float> g, ArrayView<int> argMax, ArrayView<float> dx, ConvShape s)
    {
        int iw = index % s.Width, ih = index / s.Width % s.Height, plane = index / s.InPlane;
        int here = ih * s.Width + iw;
        float sum = 0f;
        for (int kh = 0; kh < s.KernelH; kh++)
        {
            int pStride = ih + s.Padding - kh;
            if (pStride < 0 || pStride % s.Stride != 0 || pStride / s.Stride >= s.OutHeight) continue;
            for (int kw = 0; kw < s.KernelW; kw++)
            {
                int qStride = iw + s.Padding - kw;
                if (qStride < 0 || qStride % s.Stride != 0 || qStride / s.Stride >= s.OutWidth) continue;
                int o = plane * s.OutPlane + pStride / s.Stride * s.OutWidth + qStride / s.Stride;
                if (argMax[o] == here) sum += g[o];
            }
        }
        dx[index] = sum;
    }

    /// <summary>y = mean of the window, padding counted as zeros (divisor KernelH·KernelW, as PyTorch's default).</summary>
    public static void AvgPool2dForwardNaive(Index1D index, ArrayView<float> x, ArrayView<float> y, ConvShape s)
    {
        int q = index % s.OutWidth, p = index / s.OutWidth % s.OutHeight, plane = index / s.OutPlane;
        float sum = 0f;
        for (int kh = 0; kh < s.KernelH; kh++)
        {
            int ih = p * s.Stride - s.Padding + kh;
            if (ih < 0 || ih >= s.Height) continue;
            for (int kw = 0; kw < s.KernelW; kw++)
            {
                int iw = q * s.Stride - s.Padding + kw;
                if (iw >= 0 && iw < s.Width) sum += x[plane * s.InPlane + ih * s.Width + iw];
            }
        }
        y[index] = sum / (s.KernelH * s.KernelW);
    }

    /// <summary>dx[n,c,h,w] = Σ over windows covering (h, w) of g/(KernelH·KernelW).</summary>
    public static void AvgPool2dBackwardNaive(Index1D index, ArrayView<float> g, ArrayView<float> dx, ConvShape s)
    {
        int iw = index % s.Width, ih = index / s.Width % s.Height, plane = index / s.InPlane;
        float sum = 0f;
        for (int kh = 0; kh < s.KernelH; kh++)
        {
            int pStride = ih + s.Padding - kh;
            if (pStride < 0 || pStride % s.Stride != 0 || pStride / s.Stride >= s.OutHeight) continue;
            for (int kw = 0; kw < s.KernelW; kw++)
            {
                int qStride = iw + s.Padding - kw;
                if (qStride < 0 || qStride % s.Stride != 0 || qStride / s.Stride >= s.OutWidth) continue;
                sum += g[plane * s.OutPlane + pStride / s.Stride * s.OutWidth + qStride / s.Stride];
            }
        }
        dx[index] = sum / (s.KernelH * s.KernelW);
    }
}
