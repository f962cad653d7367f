using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>
/// Float32 3×3 convolution at stride 1 by Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray 2016), for layers with at
/// least 8 input and 8 output channels: each 2×2 block of output takes 16 products per (input, output) channel pair where
/// the direct form takes 36, 2.25× fewer. In the transformed domain the 16 positions ξ of a 4×4 tile are 16 independent
/// GEMMs, M_ξ [tiles, O] = V_ξ [tiles, C] · U_ξ [C, O], run by the packed SGEMM, one image at a time (V_ξ packed by
/// <see cref="PackedSgemm.PackAsA"/>'s register transposes):
/// <list type="bullet">
/// <item>U = G·g·Gᵀ for every filter plane g (once per call), G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]];</item>
/// <item>V = Bᵀ·d·B for every 4×4 input tile d (tiles overlap by 2), Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]],
/// eight channels a vector, from a channels-last copy of the image with the padding in place;</item>
/// <item>Y = Aᵀ·M·A for every tile, Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]], into a channels-last result put back in NCHW order
/// (with the bias).</item>
/// </list>
/// The data gradient of the same layer is the same computation on the upstream gradient with the filters flipped and their
/// channels swapped, and padding 2 − p (<see cref="BackwardData"/>); the filter gradient is its adjoint in the transformed
/// domain, 16 GEMMs per image (or per group of images where the sums are large) into per-thread sums (<see cref="BackwardFilter"/>). Rounding differs from the direct sum (the transforms
/// add and subtract inputs before the products); the float32-vs-float64 tests hold it to the same tolerance.
/// </summary>
internal static unsafe class WinogradConvolution
{
    private const int Lanes = 8;
    private const int Points = 16;

    /// <summary>3×3 at stride 1 with padding at most 2 (so that the data gradient's, 2 − p, is not negative), C ≥ 8 and O ≥ 8.</summary>
    public static bool Supports(ConvShape s) =>
        s.Stride == 1 && s.KernelH == 3 && s.KernelW == 3 && s.Padding <= 2 && s.Channels >= Lanes && s.OutChannels >= Lanes;

    // y[n, o] = Σ_c x[n, c] ⋆ W[o, c] (+ b[o]).
    public static void Forward(float* x, float* w, float[]? bias, float* y, ConvShape s)
    {
        using var filters = TransformedFilters.Of(w, s, adjoint: false);
        Run(x, filters, bias, y, s);
    }

    // dx[n, c] = Σ_o g[n, o] ⋆ rot180(W[o, c]) with padding 2 − p: the adjoint of the forward in x, as a convolution of g.
    public static void BackwardData(float* g, float* w, float* dx, ConvShape s)
    {
        var adjoint = new ConvShape
        {
            Batch = s.Batch, Channels = s.OutChannels, Height = s.OutHeight, Width = s.OutWidth,
            OutChannels = s.Channels, OutHeight = s.Height, OutWidth = s.Width, KernelH = 3, KernelW = 3, Stride = 1, Padding = 2 - s.Padding,
        };
        using var filters = TransformedFilters.Of(w, s, adjoint: true);
        Run(g, filters, null, dx, adjoint);
    }

    // ∂L/∂W[o, c] = Σ_n x[n, c] ⋆ g[n, o] in the transformed domain: the forward is Y = Aᵀ·(U ⊙ V)·A per tile, so
    // ∂L/∂U_ξ = Σ_tiles V_ξ · (A·∂Y·Aᵀ)_ξ, summed over c-o pairs as 16 GEMMs per image, ∂U_ξ [C, O] += V_ξᵀ [C, tiles] ·
    // Ĝ_ξ [tiles, O] (each thread into its own sums, added in thread order at the end); and as U = G·g·Gᵀ,
    // ∂L/∂g = Gᵀ·∂U·G. A = [[1, 0], [1, 1], [1, −1], [0, −1]], Gᵀ = [[1, ½, ½, 0], [0, ½, −½, 0], [0, ½, ½, 1]].
    public static void BackwardFilter(float* x, float* g, float* dw, ConvShape s)
    {
        int inImage = s.Channels * s.InPlane, outImage = s.OutChannels * s.OutPlane, pairs = s.Channels * s.OutChannels;
        var partials = new float[]?[CpuParallel.Threads];
        CpuPackedConvolution.PerImage(s.Batch, (long)outImage * s.Patch * 4 / 9, () => new Tiles(s, filterGradient: true), (n, tiles) =>
        {
            tiles.Load(x + n * inImage);
            tiles.TransformInput();
            tiles.TransformGradient(g + n * outImage);
            if (++tiles.Staged == tiles.Group) AccumulateStaged(tiles, s);
        }, (thread, tiles) =>
        {
            if (tiles.Staged > 0) AccumulateStaged(tiles, s);
            partials[thread] = new Span<float>(tiles.Sums, Points * pairs).ToArray();
        });
        var total = new float[Points * pairs];
        foreach (var partial in partials)
            if (partial is not null)
                for (int k = 0; k < total.Length; k++) total[k] += partial[k];
        float* u = stackalloc float[Points];
        float* half = stackalloc float[12];
        for (int c = 0; c < s.Channels; c++)
        {
            for (int o = 0; o < s.OutChannels; o++)
            {
                for (int xi = 0; xi < Points; xi++) u[xi] = total[xi * pairs + c * s.OutChannels + o];
                // Gᵀ·∂U (3 × 4), then (Gᵀ·∂U)·G (3 × 3).
                for (int col = 0; col < 4; col++)
                {
                    float a = u[col], b = u[4 + col], cc = u[8 + col], d = u[12 + col];
                    half[col] = a + 0.5f * (b + cc);
                    half[4 + col] = 0.5f * (b - cc);
                    half[8 + col] = 0.5f * (b + cc) + d;
                }
                float* target = dw + (o * s.Channels + c) * 9;
                for (int row = 0; row < 3; row++)
                {
                    float a = half[row * 4], b = half[row * 4 + 1], cc = half[row * 4 + 2], d = half[row * 4 + 3];
                    target[row * 3] = a + 0.5f * (b + cc);
                    target[row * 3 + 1] = 0.5f * (b - cc);
                    target[row * 3 + 2] = 0.5f * (b + cc) + d;
                }
            }
        }
    }

    /// <summary>
    /// ∂U_ξ += V_ξᵀ·Ĝ_ξ over the staged images' tiles, one GEMM per ξ of depth (staged images × tiles). With one image
    /// staged at a time this is the per-image sum; a group (<see cref="Tiles.Group"/>) makes the sums' read and write once
    /// per group instead of once per image.
    /// </summary>
    private static void AccumulateStaged(Tiles tiles, ConvShape s)
    {
        int depth = tiles.Staged * tiles.Count, pairs = s.Channels * s.OutChannels;
        for (int xi = 0; xi < Points; xi++)
        {
            PackedSgemm.PackAsA(tiles.V + xi * tiles.PointCount * tiles.InStride, tiles.InStride, true, s.Channels, depth, tiles.PackedA);
            PackedSgemm.PackAsB(tiles.M + xi * tiles.PointCount * tiles.OutStride, tiles.OutStride, false, depth, s.OutChannels, tiles.PackedB);
            PackedSgemm.MultiplyPacked(tiles.PackedA, s.Channels, tiles.PackedB, s.OutChannels, depth, tiles.Sums + xi * pairs, s.OutChannels, 1f, overwrite: false);
        }
        tiles.Staged = 0;
    }

    private static void Run(float* x, TransformedFilters filters, float[]? bias, float* y, ConvShape s)
    {
        int inImage = s.Channels * s.InPlane, outImage = s.OutChannels * s.OutPlane;
        float* paddedBias = null;
        if (bias is not null)
        {
            paddedBias = Alloc(Tiles.RoundUp(s.OutChannels));
            bias.AsSpan().CopyTo(new Span<float>(paddedBias, bias.Length));
        }
        try
        {
            CpuPackedConvolution.PerImage(s.Batch, (long)outImage * s.Patch * 4 / 9, () => new Tiles(s), (n, tiles) =>
            {
                tiles.Load(x + n * inImage);
                tiles.TransformInput();
                for (int xi = 0; xi < Points; xi++)
                {
                    PackedSgemm.PackAsA(tiles.V + xi * tiles.Count * tiles.InStride, tiles.InStride, false, tiles.Count, s.Channels, tiles.PackedA);
                    PackedSgemm.MultiplyPacked(tiles.PackedA, tiles.Count, filters.Packed(xi), s.OutChannels, s.Channels,
                        tiles.M + xi * tiles.Count * tiles.OutStride, tiles.OutStride, 1f, overwrite: true);
                }
                tiles.TransformOutput();
                IndirectSgemm.ToChannelsFirst(tiles.Result, s.OutChannels, s.OutPlane, tiles.OutStride, y + n * outImage, paddedBias);
            });
        }
        finally
        {
            if (paddedBias is not null) NativeMemory.AlignedFree(paddedBias);
        }
    }

    private static float* Alloc(int floats) => (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, floats) * sizeof(float), 64);

    /// <summary>U_ξ [C, O] = (G·g·Gᵀ)_ξ for every filter plane, each ξ packed as the B operand of the packed SGEMM.</summary>
    private sealed class TransformedFilters : IDisposable
    {
        private readonly int inputs, outputs, packedSize;
        private readonly float* plain, packed;

        public TransformedFilters(int inputs, int outputs)
        {
            this.inputs = inputs;
            this.outputs = outputs;
            plain = Alloc(Points * inputs * outputs);
            packedSize = PackedSgemm.PackedBSize(outputs, inputs);
            packed = Alloc(Points * packedSize);
        }

        public float* Packed(int xi) => packed + xi * packedSize;

        /// <summary>
        /// The layer's filters W [O, C, 3, 3] transformed and packed: U[c][o] for the forward, or (<paramref name="adjoint"/>,
        /// the data gradient) U[o][c] of the filters rotated by 180°, the input and output channels swapped.
        /// </summary>
        public static TransformedFilters Of(float* w, ConvShape s, bool adjoint)
        {
            var filters = adjoint ? new TransformedFilters(s.OutChannels, s.Channels) : new TransformedFilters(s.Channels, s.OutChannels);
            for (int o = 0; o < s.OutChannels; o++)
                for (int c = 0; c < s.Channels; c++)
                    filters.Set(adjoint ? o : c, adjoint ? c : o, w + (o * s.Channels + c) * 9, flipped: adjoint);
            filters.Pack();
            return filters;
        }

        /// <summary>U[ξ][input][output] = (G·g·Gᵀ)[ξ] for g = the 3×3 plane at <paramref name="g"/>, rotated by 180° when <paramref name="flipped"/>.</summary>
        private void Set(int input, int output, float* g, bool flipped)
        {
            float* k = stackalloc float[9];
            for (int i = 0; i < 9; i++) k[i] = flipped ? g[8 - i] : g[i];
            // G·g: 4 × 3.
            float* gg = stackalloc float[12];
            for (int col = 0; col < 3; col++)
            {
                float a = k[col], b = k[3 + col], c = k[6 + col];
                gg[col] = a;
                gg[3 + col] = 0.5f * (a + b + c);
                gg[6 + col] = 0.5f * (a - b + c);
                gg[9 + col] = c;
            }
            // (G·g)·Gᵀ: 4 × 4.
            for (int row = 0; row < 4; row++)
            {
                float a = gg[row * 3], b = gg[row * 3 + 1], c = gg[row * 3 + 2];
                float* u = plain + (input * outputs + output);
                int stride = inputs * outputs;
                u[(row * 4) * stride] = a;
                u[(row * 4 + 1) * stride] = 0.5f * (a + b + c);
                u[(row * 4 + 2) * stride] = 0.5f * (a - b + c);
                u[(row * 4 + 3) * stride] = c;
            }
        }

        private void Pack()
        {
            for (int xi = 0; xi < Points; xi++)
                PackedSgemm.PackAsB(plain + xi * inputs * outputs, outputs, false, inputs, outputs, Packed(xi));
        }

        public void Dispose()
        {
            NativeMemory.AlignedFree(plain);
            NativeMemory.AlignedFree(packed);
        }
    }

    /// <summary>
    /// One thread's buffers for one image at a time: the image channels-last with its padding (rows and columns enough for
    /// whole tiles), the transformed tiles V [16][tiles][C], the packed A operand, the products M [16][tiles][O] and the
    /// channels-last result. Channel counts are rounded up to whole vectors; the padding rows and columns stay zero.
    /// </summary>
    private sealed class Tiles : IDisposable
    {
        private readonly ConvShape shape;
        private readonly int tilesHigh, tilesWide, paddedWidth, paddedLength, sumsLength;
        private readonly float* channelsLast, padded, gradientLast;

        public Tiles(ConvShape s, bool filterGradient = false)
        {
            shape = s;
            tilesHigh = (s.OutHeight + 1) / 2;
            tilesWide = (s.OutWidth + 1) / 2;
            Count = tilesHigh * tilesWide;
            InStride = RoundUp(s.Channels);
            OutStride = RoundUp(s.OutChannels);
            paddedWidth = 2 * tilesWide + 2;
            paddedLength = (2 * tilesHigh + 2) * paddedWidth * InStride;
            Group = filterGradient ? GroupFor(s, Count) : 1;
            PointCount = Group * Count;
            channelsLast = Alloc(s.InPlane * s.Channels);
            padded = Alloc(paddedLength);
            new Span<float>(padded, paddedLength).Clear();
            V = Alloc(Points * PointCount * InStride);
            PackedA = Alloc(filterGradient
                ? Math.Max(PackedSgemm.PackedASize(Count, s.Channels), PackedSgemm.PackedASize(s.Channels, PointCount))
                : PackedSgemm.PackedASize(Count, s.Channels));
            M = Alloc(Points * PointCount * OutStride);
            if (!filterGradient)
            {
                Result = Alloc(s.OutPlane * OutStride);
                return;
            }
            // The filter gradient: M holds Ĝ; g channels-last (8 floats of slack: the last position is read a whole vector
            // wide), Ĝ's packed operand, and the sums ∂U [16][C][O]. (PackedA then also holds V_ξᵀ.) No result.
            gradientLast = Alloc(s.OutPlane * s.OutChannels + Lanes);
            PackedB = Alloc(PackedSgemm.PackedBSize(s.OutChannels, PointCount));
            sumsLength = Points * s.Channels * s.OutChannels;
            Sums = Alloc(sumsLength);
            new Span<float>(Sums, sumsLength).Clear();
        }

        /// <summary>
        /// Images whose tiles the filter gradient stages before one GEMM per ξ: 1 (each image's own GEMMs, as the forward)
        /// while the sums ∂U [16][C][O] are at most 512 KiB; beyond, enough images for a depth of about 128 tiles. ResNet-18's
        /// last stage (512 channels, 4 tiles an image) has 16 MiB of sums: one image at a time, every image read and wrote
        /// them all for a depth of 4, a third of its training step.
        /// </summary>
        public int Group { get; }

        /// <summary>Images staged since the last GEMMs (the filter gradient); the next one's tiles go after theirs.</summary>
        public int Staged { get; set; }

        /// <summary>Tiles per ξ in V and M: <see cref="Count"/> × <see cref="Group"/>.</summary>
        public int PointCount { get; }

        private static int GroupFor(ConvShape s, int count) =>
            (long)Points * s.Channels * s.OutChannels * sizeof(float) <= 512 * 1024 ? 1 : Math.Clamp((128 + count - 1) / count, 1, 64);

        /// <summary>The filter gradient's packed Ĝ_ξ.</summary>
        public float* PackedB { get; }

        /// <summary>The filter gradient's sums ∂U [16][C][O] over this thread's images.</summary>
        public float* Sums { get; }

        /// <summary>Output tiles (2×2 blocks) per image.</summary>
        public int Count { get; }

        /// <summary>Floats per position in the input's channels-last copies (C rounded up to whole vectors).</summary>
        public int InStride { get; }

        /// <summary>Floats per position in M and the result (O rounded up to whole vectors).</summary>
        public int OutStride { get; }

        public float* V { get; }

        public float* PackedA { get; }

        public float* M { get; }

        public float* Result { get; }

        public static int RoundUp(int channels) => (channels + Lanes - 1) / Lanes * Lanes;

        /// <summary>Image [C, H, W] into the padded channels-last copy: pixel (i, j) at row i + p, column j + p.</summary>
        public void Load(float* image)
        {
            int c = shape.Channels, p = shape.Padding;
            IndirectSgemm.ToChannelsLast(image, c, shape.InPlane, channelsLast);
            for (int i = 0; i < shape.Height; i++)
            {
                float* target = padded + ((i + p) * paddedWidth + p) * InStride;
                float* source = channelsLast + i * shape.Width * c;
                if (c == InStride) new ReadOnlySpan<float>(source, shape.Width * c).CopyTo(new Span<float>(target, shape.Width * c));
                else
                    for (int j = 0; j < shape.Width; j++)
                        new ReadOnlySpan<float>(source + j * c, c).CopyTo(new Span<float>(target + j * InStride, c));
            }
        }

        // V[ξ][t][c] = (Bᵀ·d·B)[ξ], d the 4×4 tile whose top left is padded pixel (2·ty, 2·tx); eight channels a vector.
        public void TransformInput()
        {
            int rowStride = paddedWidth * InStride, pointStride = PointCount * InStride, first = Staged * Count;
            var d = stackalloc Vector256<float>[16];
            for (int ty = 0; ty < tilesHigh; ty++)
            {
                for (int tx = 0; tx < tilesWide; tx++)
                {
                    int t = ty * tilesWide + tx;
                    float* corner = padded + (2 * ty * paddedWidth + 2 * tx) * InStride;
                    for (int c0 = 0; c0 < InStride; c0 += Lanes)
                    {
                        // Bᵀ·d, column by column: (d0 − d2, d1 + d2, d2 − d1, d1 − d3) down each column.
                        for (int col = 0; col < 4; col++)
                        {
                            float* top = corner + col * InStride + c0;
                            var d0 = Vector256.Load(top);
                            var d1 = Vector256.Load(top + rowStride);
                            var d2 = Vector256.Load(top + 2 * rowStride);
                            var d3 = Vector256.Load(top + 3 * rowStride);
                            d[col] = d0 - d2;
                            d[4 + col] = d1 + d2;
                            d[8 + col] = d2 - d1;
                            d[12 + col] = d1 - d3;
                        }
                        // (Bᵀ·d)·B, row by row.
                        float* v = V + (first + t) * InStride + c0;
                        for (int row = 0; row < 4; row++)
                        {
                            var a0 = d[row * 4];
                            var a1 = d[row * 4 + 1];
                            var a2 = d[row * 4 + 2];
                            var a3 = d[row * 4 + 3];
                            (a0 - a2).Store(v + (row * 4) * pointStride);
                            (a1 + a2).Store(v + (row * 4 + 1) * pointStride);
                            (a2 - a1).Store(v + (row * 4 + 2) * pointStride);
                            (a1 - a3).Store(v + (row * 4 + 3) * pointStride);
                        }
                    }
                }
            }
        }

        // Ĝ[ξ][t][o] = (A·∂Y·Aᵀ)[ξ] for the 2×2 block ∂Y of tile t (zeros past the output's edge), into M; eight channels
        // a vector from a channels-last copy of g. A·∂Y is (r0, r0 + r1, r0 − r1, −r1) for the block's rows r0, r1, and ·Aᵀ
        // the same along each row.
        public void TransformGradient(float* g)
        {
            int o = shape.OutChannels, width = shape.OutWidth, pointStride = PointCount * OutStride, first = Staged * Count;
            IndirectSgemm.ToChannelsLast(g, o, shape.OutPlane, gradientLast);
            var rows = stackalloc Vector256<float>[8];
            for (int ty = 0; ty < tilesHigh; ty++)
            {
                for (int tx = 0; tx < tilesWide; tx++)
                {
                    int t = ty * tilesWide + tx;
                    bool secondRow = 2 * ty + 1 < shape.OutHeight, secondColumn = 2 * tx + 1 < width;
                    float* corner = gradientLast + (2 * ty * width + 2 * tx) * o;
                    for (int o0 = 0; o0 < OutStride; o0 += Lanes)
                    {
                        var g00 = Vector256.Load(corner + o0);
                        var g01 = secondColumn ? Vector256.Load(corner + o + o0) : Vector256<float>.Zero;
                        var g10 = secondRow ? Vector256.Load(corner + width * o + o0) : Vector256<float>.Zero;
                        var g11 = secondRow && secondColumn ? Vector256.Load(corner + (width + 1) * o + o0) : Vector256<float>.Zero;
                        rows[0] = g00; rows[1] = g01;
                        rows[2] = g00 + g10; rows[3] = g01 + g11;
                        rows[4] = g00 - g10; rows[5] = g01 - g11;
                        rows[6] = -g10; rows[7] = -g11;
                        float* m = M + (first + t) * OutStride + o0;
                        for (int row = 0; row < 4; row++)
                        {
                            var p = rows[row * 2];
                            var q = rows[row * 2 + 1];
                            p.Store(m + (row * 4) * pointStride);
                            (p + q).Store(m + (row * 4 + 1) * pointStride);
                            (p - q).Store(m + (row * 4 + 2) * pointStride);
                            (-q).Store(m + (row * 4 + 3) * pointStride);
                        }
                    }
                }
            }
        }

        // The 2×2 block of tile t: Aᵀ·m·A with (m0 + m1 + m2, m1 − m2 − m3) down the columns, then along the rows; blocks
        // that reach past the output (odd sizes) keep only their inside.
        public void TransformOutput()
        {
            int pointStride = Count * OutStride;
            var r = stackalloc Vector256<float>[8];
            for (int ty = 0; ty < tilesHigh; ty++)
            {
                for (int tx = 0; tx < tilesWide; tx++)
                {
                    int t = ty * tilesWide + tx;
                    bool lastRow = 2 * ty + 1 >= shape.OutHeight, lastColumn = 2 * tx + 1 >= shape.OutWidth;
                    float* target = Result + (2 * ty * shape.OutWidth + 2 * tx) * OutStride;
                    for (int o0 = 0; o0 < OutStride; o0 += Lanes)
                    {
                        float* m = M + t * OutStride + o0;
                        for (int col = 0; col < 4; col++)
                        {
                            var m0 = Vector256.Load(m + col * pointStride);
                            var m1 = Vector256.Load(m + (4 + col) * pointStride);
                            var m2 = Vector256.Load(m + (8 + col) * pointStride);
                            var m3 = Vector256.Load(m + (12 + col) * pointStride);
                            r[col] = m0 + m1 + m2;
                            r[4 + col] = m1 - m2 - m3;
                        }
                        for (int row = 0; row < 2; row++)
                        {
                            if (row == 1 && lastRow) break;
                            var a0 = r[row * 4];
                            var a1 = r[row * 4 + 1];
                            var a2 = r[row * 4 + 2];
                            var a3 = r[row * 4 + 3];
                            float* pixel = target + row * shape.OutWidth * OutStride + o0;
                            (a0 + a1 + a2).Store(pixel);
                            if (!lastColumn) (a1 - a2 - a3).Store(pixel + OutStride);
                        }
                    }
                }
            }
        }

        // AlignedFree(null) does nothing: the buffers one direction does not use stay null.
        public void Dispose()
        {
            NativeMemory.AlignedFree(channelsLast);
            NativeMemory.AlignedFree(padded);
            NativeMemory.AlignedFree(V);
            NativeMemory.AlignedFree(PackedA);
            NativeMemory.AlignedFree(M);
            NativeMemory.AlignedFree(Result);
            NativeMemory.AlignedFree(gradientLast);
            NativeMemory.AlignedFree(PackedB);
            NativeMemory.AlignedFree(Sums);
        }
    }
}
