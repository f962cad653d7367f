using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeContrast.Backends;

/// <summary>
/// Indirect GEMM for AVX2 + FMA: the convolution scheme of XNNPACK's igemm, with no patch matrix.
/// A tile computes 6 positions × 16 output columns. Row r of the left operand is not packed: for each
/// tap t, its <c>depth</c> values are read in place from a channels-last source (one row of
/// <c>depth</c> contiguous floats per spatial position) at an offset from a table built once per shape
/// (<see cref="ConvIndirection"/>), or from a row of zeros where the tap falls in the padding. The right
/// operand is packed once per call by <see cref="PackWeights"/> as K = taps × depth rows of 16 columns.
/// The inner loop is the packed SGEMM's (6 broadcasts, 2 loads, 12 FMAs per k); a tap whose 6 rows are
/// all outside is skipped, which is what makes the strided data gradient cost only its real FLOPs.
/// </summary>
internal static unsafe class IndirectSgemm
{
    /// <summary>Positions per tile (the micro-kernel's rows).</summary>
    public const int TileRows = 6;

    /// <summary>Output columns per tile and per packed weight panel.</summary>
    public const int TileColumns = 16;

    /// <summary>Floats <see cref="PackWeights"/> writes for <paramref name="columns"/> columns of K = taps·depth.</summary>
    public static int PackedSize(int columns, int taps, int depth) => (columns + TileColumns - 1) / TileColumns * TileColumns * taps * depth;

    /// <summary>
    /// packed[panel][t·depth + d][j] = w[(panel·16 + j)·columnStride + d·depthStride + t], zero for columns past the end.
    /// The forward reads W[o, c, t] with columns o and depth c; the data gradient the same W with columns c and depth o.
    /// </summary>
    public static void PackWeights(float* w, int columns, int depth, int taps, int columnStride, int depthStride, float* packed)
    {
        int k = taps * depth;
        for (int j0 = 0; j0 < columns; j0 += TileColumns)
        {
            float* panel = packed + j0 * k;
            for (int t = 0; t < taps; t++)
            {
                for (int d = 0; d < depth; d++)
                {
                    float* row = panel + (t * depth + d) * TileColumns;
                    for (int j = 0; j < TileColumns; j++)
                        row[j] = j0 + j < columns ? w[(j0 + j) * columnStride + d * depthStride + t] : 0f;
                }
            }
        }
    }

    /// <summary>
    /// One tile: acc[r][j] = Σ_t Σ_d source[offsets[t·6 + r] + d] · panel[t·depth + d][j] (a negative offset reads zeros),
    /// stored channels-last: output[positions[r]·outputStride + j] = acc[r][j] for the 16 columns and every positions[r] ≥ 0
    /// (two vector stores per row; <see cref="ToChannelsFirst"/> puts the image back in plane-major order afterwards).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile(float* source, float* zeros, int* offsets, int taps, int depth, float* panel, int* positions, float* output, int outputStride)
    {
        float* tile = stackalloc float[TileRows * TileColumns];
        bool first = true;
        for (int t = 0; t < taps; t++, offsets += TileRows)
        {
            // The sign bit of the AND is set only when every offset is negative: no row reads this tap.
            if ((offsets[0] & offsets[1] & offsets[2] & offsets[3] & offsets[4] & offsets[5]) < 0) continue;
            AccumulateTap(source, zeros, offsets, panel + t * depth * TileColumns, depth, tile, first);
            first = false;
        }
        if (first) new Span<float>(tile, TileRows * TileColumns).Clear();
        for (int r = 0; r < TileRows; r++)
        {
            int position = positions[r];
            if (position < 0) continue;
            float* target = output + position * outputStride;
            Avx.Store(target, Avx.LoadVector256(tile + r * TileColumns));
            Avx.Store(target + 8, Avx.LoadVector256(tile + r * TileColumns + 8));
        }
    }

    /// <summary>
    /// tile[r][0..16] (+)= Σ_d row_r[d] · b[d][0..16] over one tap's depth, row_r = source + offsets[r] (zeros where
    /// negative); the tile starts from zero when <paramref name="first"/>. A method of its own with a single loop, so the
    /// JIT keeps the 12 accumulators in registers (inside the tap loop it spilled every accumulator after each FMA);
    /// the tile's loads and stores cost 24 vector moves against 12·depth FMAs.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateTap(float* source, float* zeros, int* offsets, float* b, int depth, float* tile, bool first)
    {
        float* a0 = offsets[0] >= 0 ? source + offsets[0] : zeros, a1 = offsets[1] >= 0 ? source + offsets[1] : zeros;
        float* a2 = offsets[2] >= 0 ? source + offsets[2] : zeros, a3 = offsets[3] >= 0 ? source + offsets[3] : zeros;
        float* a4 = offsets[4] >= 0 ? source + offsets[4] : zeros, a5 = offsets[5] >= 0 ? source + offsets[5] : zeros;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        if (!first)
        {
            c00 = Avx.LoadVector256(tile); c01 = Avx.LoadVector256(tile + 8);
            c10 = Avx.LoadVector256(tile + 16); c11 = Avx.LoadVector256(tile + 24);
            c20 = Avx.LoadVector256(tile + 32); c21 = Avx.LoadVector256(tile + 40);
            c30 = Avx.LoadVector256(tile + 48); c31 = Avx.LoadVector256(tile + 56);
            c40 = Avx.LoadVector256(tile + 64); c41 = Avx.LoadVector256(tile + 72);
            c50 = Avx.LoadVector256(tile + 80); c51 = Avx.LoadVector256(tile + 88);
        }
        for (int d = 0; d < depth; d++, b += TileColumns)
        {
            var b0 = Avx.LoadAlignedVector256(b);
            var b1 = Avx.LoadAlignedVector256(b + 8);
            var av = Avx.BroadcastScalarToVector256(a0 + d);
            c00 = Fma.MultiplyAdd(av, b0, c00); c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Avx.BroadcastScalarToVector256(a1 + d);
            c10 = Fma.MultiplyAdd(av, b0, c10); c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Avx.BroadcastScalarToVector256(a2 + d);
            c20 = Fma.MultiplyAdd(av, b0, c20); c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Avx.BroadcastScalarToVector256(a3 + d);
            c30 = Fma.MultiplyAdd(av, b0, c30); c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Avx.BroadcastScalarToVector256(a4 + d);
            c40 = Fma.MultiplyAdd(av, b0, c40); c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Avx.BroadcastScalarToVector256(a5 + d);
            c50 = Fma.MultiplyAdd(av, b0, c50); c51 = Fma.MultiplyAdd(av, b1, c51);
        }
        Avx.Store(tile, c00); Avx.Store(tile + 8, c01);
        Avx.Store(tile + 16, c10); Avx.Store(tile + 24, c11);
        Avx.Store(tile + 32, c20); Avx.Store(tile + 40, c21);
        Avx.Store(tile + 48, c30); Avx.Store(tile + 56, c31);
        Avx.Store(tile + 64, c40); Avx.Store(tile + 72, c41);
        Avx.Store(tile + 80, c50); Avx.Store(tile + 88, c51);
    }

    /// <summary>
    /// dst[j·plane + p] = src[p·srcStride + j] (+ bias[j]) for j &lt; <paramref name="columns"/>: a channels-last result back to
    /// plane-major (NCHW) order. Blocks of 8 positions × 8 columns are transposed in registers (<see cref="Transpose8x8"/>);
    /// the last columns (fewer than 8) and positions (plane mod 8) go one position at a time. The same one add per element
    /// either way.
    /// </summary>
    public static void ToChannelsFirst(float* src, int columns, int plane, int srcStride, float* dst, float* bias)
    {
        float* lanes = stackalloc float[8];
        for (int j0 = 0; j0 < columns; j0 += 8)
        {
            int width = Math.Min(8, columns - j0);
            for (int j = 0; j < 8; j++) lanes[j] = bias is not null && j < width ? bias[j0 + j] : 0f;
            var shift = Vector256.Load(lanes);
            float* d0 = dst + j0 * plane;
            int p = 0;
            if (width == 8)
            {
                for (; p + 8 <= plane; p += 8)
                {
                    float* s = src + p * srcStride + j0;
                    var r0 = Avx.LoadVector256(s) + shift;
                    var r1 = Avx.LoadVector256(s + srcStride) + shift;
                    var r2 = Avx.LoadVector256(s + 2 * srcStride) + shift;
                    var r3 = Avx.LoadVector256(s + 3 * srcStride) + shift;
                    var r4 = Avx.LoadVector256(s + 4 * srcStride) + shift;
                    var r5 = Avx.LoadVector256(s + 5 * srcStride) + shift;
                    var r6 = Avx.LoadVector256(s + 6 * srcStride) + shift;
                    var r7 = Avx.LoadVector256(s + 7 * srcStride) + shift;
                    Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                    float* d = d0 + p;
                    r0.Store(d); r1.Store(d + plane); r2.Store(d + 2 * plane); r3.Store(d + 3 * plane);
                    r4.Store(d + 4 * plane); r5.Store(d + 5 * plane); r6.Store(d + 6 * plane); r7.Store(d + 7 * plane);
                }
            }
            for (; p < plane; p++)
            {
                (Avx.LoadVector256(src + p * srcStride + j0) + shift).Store(lanes);
                for (int j = 0; j < width; j++) d0[j * plane + p] = lanes[j];
            }
        }
    }

    /// <summary>
    /// dst[p·depth + d] = src[d·plane + p]: one image from plane-major (NCHW) to channels-last. Blocks of 8 planes × 8
    /// positions are transposed in registers (<see cref="Transpose8x8"/>); the last positions (plane mod 8) are gathered one
    /// at a time, and the last planes (depth mod 8) element by element.
    /// </summary>
    public static void ToChannelsLast(float* src, int depth, int plane, float* dst)
    {
        int d0 = 0;
        for (; d0 + 8 <= depth; d0 += 8)
        {
            float* s0 = src + d0 * plane;
            int p = 0;
            for (; p + 8 <= plane; p += 8)
            {
                float* s = s0 + p;
                var r0 = Vector256.Load(s);
                var r1 = Vector256.Load(s + plane);
                var r2 = Vector256.Load(s + 2 * plane);
                var r3 = Vector256.Load(s + 3 * plane);
                var r4 = Vector256.Load(s + 4 * plane);
                var r5 = Vector256.Load(s + 5 * plane);
                var r6 = Vector256.Load(s + 6 * plane);
                var r7 = Vector256.Load(s + 7 * plane);
                Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                float* d = dst + p * depth + d0;
                r0.Store(d); r1.Store(d + depth); r2.Store(d + 2 * depth); r3.Store(d + 3 * depth);
                r4.Store(d + 4 * depth); r5.Store(d + 5 * depth); r6.Store(d + 6 * depth); r7.Store(d + 7 * depth);
            }
            for (; p < plane; p++)
            {
                Vector256.Create(s0[p], s0[plane + p], s0[2 * plane + p], s0[3 * plane + p],
                    s0[4 * plane + p], s0[5 * plane + p], s0[6 * plane + p], s0[7 * plane + p]).Store(dst + p * depth + d0);
            }
        }
        for (; d0 < depth; d0++)
            for (int p = 0; p < plane; p++) dst[p * depth + d0] = src[d0 * plane + p];
    }

    /// <summary>
    /// Rows r0 … r7 of an 8×8 block become its columns (r_j[i] ← r_i[j]): pairs interleaved (unpack), then quads (shuffle),
    /// then the 128-bit halves exchanged; 24 shuffles for 64 elements, where a scalar transpose takes 64 loads and 64 stores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        // Per 128-bit half: t0 = (a00 a10 a01 a11), t1 = (a02 a12 a03 a13), …
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        // Per half: u0 = (a00 a10 a20 a30), u1 = (a01 a11 a21 a31), …; the high halves hold columns 4–7.
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(u0, u4, 0x20);
        r1 = Avx.Permute2x128(u1, u5, 0x20);
        r2 = Avx.Permute2x128(u2, u6, 0x20);
        r3 = Avx.Permute2x128(u3, u7, 0x20);
        r4 = Avx.Permute2x128(u0, u4, 0x31);
        r5 = Avx.Permute2x128(u1, u5, 0x31);
        r6 = Avx.Permute2x128(u2, u6, 0x31);
        r7 = Avx.Permute2x128(u3, u7, 0x31);
    }
}
