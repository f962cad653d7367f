using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>
/// Float32 3×3 convolution with few input channels (C &lt; 8: a network's first layer, 1 channel for Fashion-MNIST, 3 for
/// colour) and stride 1, computed directly: eight neighbouring output pixels of a row are one vector, and each tap is one
/// fused multiply-add of the input row shifted by the tap against the tap's weight. No patch matrix is gathered and no GEMM
/// runs (as a GEMM its depth C·KH·KW is 9 for the small CNN's first layer: the micro-kernel then spends its time loading
/// and storing its tile, and the gathers cost more than the products). Each image is first copied into a plane padded on
/// every side, so a tap never tests a border. A row narrower than 8 pixels takes the packed path (<see cref="Supports"/>).
/// Rows whose width is not a multiple of 8 end with a vector that overlaps the one before it: the forward writes the first
/// channel's terms of those pixels twice with the same value and masks them out of the later channels' second look, the
/// filter gradient masks them out of its second look.
/// </summary>
internal static unsafe class DirectConvolution
{
    private const int Lanes = 8;

    /// <summary>3×3 windows at stride 1, fewer than 8 input channels (the indirect GEMM's lower bound) and output rows at least a vector wide.</summary>
    public static bool Supports(ConvShape s) => s.Stride == 1 && s.KernelH == 3 && s.KernelW == 3 && s.Channels < 8 && s.OutWidth >= Lanes;

    // y[n, o, p, q] = Σ_c Σ_{kh, kw} W[o, c, kh, kw] · xpad[n, c, p + kh, q + kw] (+ b[o]), xpad = x with `Padding` zeros around.
    // Per (o, c) the nine weights stay in registers while the plane is swept; a vector of output takes nine loads and nine
    // fused multiply-adds (for c > 0 it adds to what the channels before it left in the output).
    public static void Forward(float* x, float* w, float[]? bias, float* y, ConvShape s)
    {
        int inImage = s.Channels * s.InPlane, outImage = s.OutChannels * s.OutPlane;
        var (overlap, tailMask) = Tail(s);
        CpuPackedConvolution.PerImage(s.Batch, (long)outImage * s.Patch, () => new PaddedImage(s), (n, padded) =>
        {
            padded.Fill(x + n * inImage);
            for (int o = 0; o < s.OutChannels; o++)
            {
                float* plane = y + n * outImage + o * s.OutPlane;
                var b = bias is null ? Vector256<float>.Zero : Vector256.Create(bias[o]);
                for (int c = 0; c < s.Channels; c++)
                {
                    var f = new Window(w + (o * s.Channels + c) * 9);
                    for (int p = 0; p < s.OutHeight; p++)
                    {
                        float* top = padded.Row(c, p), middle = top + padded.Width, bottom = middle + padded.Width;
                        float* target = plane + p * s.OutWidth;
                        for (int q = 0; ; q += Lanes)
                        {
                            if (q > s.OutWidth - Lanes) q = s.OutWidth - Lanes; // the last vector may overlap the one before
                            bool last = q == s.OutWidth - Lanes;
                            // After channel 0 the overlapped lanes already hold this channel's terms: add only to the others.
                            bool masked = last && overlap > 0 && c > 0;
                            var sum = c == 0 || masked ? Vector256<float>.Zero : Vector256.Load(target + q);
                            sum = f.Row2(bottom + q, f.Row1(middle + q, f.Row0(top + q, sum)));
                            if (c == s.Channels - 1) sum += b;
                            (masked ? Vector256.Load(target + q) + (sum & tailMask) : sum).Store(target + q);
                            if (last) break;
                        }
                    }
                }
            }
        });
    }

    // ∂L/∂W[o, c, kh, kw] = Σ_n Σ_{p, q} g[n, o, p, q] · xpad[n, c, p + kh, q + kw]. Per (o, c) the nine sums stay in registers
    // while the plane is swept (lanes: eight neighbouring q); each thread adds them to its own partials, and the lanes and
    // then the threads are added in a fixed order at the end.
    public static void BackwardFilter(float* x, float* g, float* dw, ConvShape s)
    {
        int weights = s.OutChannels * s.Patch, inImage = s.Channels * s.InPlane, outImage = s.OutChannels * s.OutPlane;
        var (overlap, tailMask) = Tail(s);
        var partials = new Vector256<float>[CpuParallel.Threads][];
        CpuPackedConvolution.PerImage(s.Batch, (long)outImage * s.Patch, () => new PaddedImage(s, weights), (n, padded) =>
        {
            padded.Fill(x + n * inImage);
            for (int o = 0; o < s.OutChannels; o++)
            {
                float* plane = g + n * outImage + o * s.OutPlane;
                for (int c = 0; c < s.Channels; c++)
                {
                    var sums = new WindowSums();
                    for (int p = 0; p < s.OutHeight; p++)
                    {
                        float* top = padded.Row(c, p), middle = top + padded.Width, bottom = middle + padded.Width;
                        float* gradient = plane + p * s.OutWidth;
                        int q = 0;
                        for (; q + Lanes <= s.OutWidth; q += Lanes)
                            sums.Add(Vector256.Load(gradient + q), top + q, middle + q, bottom + q);
                        if (overlap > 0)
                        {
                            q = s.OutWidth - Lanes;
                            sums.Add(Vector256.Load(gradient + q) & tailMask, top + q, middle + q, bottom + q);
                        }
                    }
                    sums.AddTo(padded.Sums, (o * s.Channels + c) * 9);
                }
            }
        }, (thread, padded) => partials[thread] = padded.Sums);
        var total = new float[weights];
        foreach (var partial in partials)
            if (partial is not null)
                for (int k = 0; k < weights; k++) total[k] += Vector256.Sum(partial[k]);
        total.CopyTo(new Span<float>(dw, weights));
    }

    /// <summary>
    /// The last vector of an output row starts at OutWidth − 8: how many of its lanes the vector before it covered, and a mask
    /// of the others (all lanes when the width is a multiple of 8).
    /// </summary>
    private static (int Overlap, Vector256<float> Mask) Tail(ConvShape s)
    {
        int overlap = s.OutWidth % Lanes == 0 ? 0 : Lanes - s.OutWidth % Lanes;
        return (overlap, Vector256.GreaterThanOrEqual(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(overlap)).AsSingle());
    }

    /// <summary>One 3×3 filter plane's weights, each broadcast to a vector (held in registers by the loops that use it).</summary>
    private readonly struct Window(float* w)
    {
        private readonly Vector256<float> w0 = Vector256.Create(w[0]), w1 = Vector256.Create(w[1]), w2 = Vector256.Create(w[2]);
        private readonly Vector256<float> w3 = Vector256.Create(w[3]), w4 = Vector256.Create(w[4]), w5 = Vector256.Create(w[5]);
        private readonly Vector256<float> w6 = Vector256.Create(w[6]), w7 = Vector256.Create(w[7]), w8 = Vector256.Create(w[8]);

        public Vector256<float> Row0(float* row, Vector256<float> sum) => Taps(row, w0, w1, w2, sum);

        public Vector256<float> Row1(float* row, Vector256<float> sum) => Taps(row, w3, w4, w5, sum);

        public Vector256<float> Row2(float* row, Vector256<float> sum) => Taps(row, w6, w7, w8, sum);

        private static Vector256<float> Taps(float* row, Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> sum) =>
            Vector256.FusedMultiplyAdd(Vector256.Load(row + 2), c, Vector256.FusedMultiplyAdd(Vector256.Load(row + 1), b, Vector256.FusedMultiplyAdd(Vector256.Load(row), a, sum)));
    }

    /// <summary>The nine sums of one 3×3 filter plane's gradient, one vector each (lanes: eight neighbouring output columns).</summary>
    private struct WindowSums
    {
        private Vector256<float> s0, s1, s2, s3, s4, s5, s6, s7, s8;

        /// <summary>Adds g times the three input rows' windows, shifted by each tap's column.</summary>
        public void Add(Vector256<float> g, float* top, float* middle, float* bottom)
        {
            s0 = Vector256.FusedMultiplyAdd(g, Vector256.Load(top), s0);
            s1 = Vector256.FusedMultiplyAdd(g, Vector256.Load(top + 1), s1);
            s2 = Vector256.FusedMultiplyAdd(g, Vector256.Load(top + 2), s2);
            s3 = Vector256.FusedMultiplyAdd(g, Vector256.Load(middle), s3);
            s4 = Vector256.FusedMultiplyAdd(g, Vector256.Load(middle + 1), s4);
            s5 = Vector256.FusedMultiplyAdd(g, Vector256.Load(middle + 2), s5);
            s6 = Vector256.FusedMultiplyAdd(g, Vector256.Load(bottom), s6);
            s7 = Vector256.FusedMultiplyAdd(g, Vector256.Load(bottom + 1), s7);
            s8 = Vector256.FusedMultiplyAdd(g, Vector256.Load(bottom + 2), s8);
        }

        /// <summary>Adds the nine sums to <paramref name="target"/>[at … at + 8] (taps in (kh, kw) order).</summary>
        public readonly void AddTo(Vector256<float>[] target, int at)
        {
            target[at] += s0; target[at + 1] += s1; target[at + 2] += s2;
            target[at + 3] += s3; target[at + 4] += s4; target[at + 5] += s5;
            target[at + 6] += s6; target[at + 7] += s7; target[at + 8] += s8;
        }
    }

    /// <summary>One thread's copy of an image with <c>Padding</c> zeros on every side of each channel's plane, and (filter gradient) its partial sums.</summary>
    private sealed class PaddedImage : IDisposable
    {
        private readonly ConvShape shape;
        private readonly int height;
        private readonly float* planes;

        public PaddedImage(ConvShape s, int weights = 0)
        {
            shape = s;
            Width = s.Width + 2 * s.Padding;
            height = s.Height + 2 * s.Padding;
            int length = s.Channels * height * Width;
            planes = (float*)NativeMemory.AlignedAlloc((nuint)length * sizeof(float), 64);
            new Span<float>(planes, length).Clear();
            Sums = new Vector256<float>[weights];
        }

        /// <summary>Per weight, the sum over this thread's images so far, one lane per column phase.</summary>
        public Vector256<float>[] Sums { get; }

        /// <summary>Row <paramref name="row"/> of channel <paramref name="channel"/>'s padded plane (row 0 is the top padding).</summary>
        public float* Row(int channel, int row) => planes + (channel * height + row) * Width;

        /// <summary>A padded row's length: the next row starts this many floats after.</summary>
        public int Width { get; }

        /// <summary>Copies image [C, H, W] inside the padding (the border stays zero from the allocation).</summary>
        public void Fill(float* image)
        {
            for (int c = 0; c < shape.Channels; c++)
                for (int r = 0; r < shape.Height; r++)
                    new ReadOnlySpan<float>(image + (c * shape.Height + r) * shape.Width, shape.Width).CopyTo(new Span<float>(Row(c, r + shape.Padding) + shape.Padding, shape.Width));
        }

        public void Dispose() => NativeMemory.AlignedFree(planes);
    }
}
