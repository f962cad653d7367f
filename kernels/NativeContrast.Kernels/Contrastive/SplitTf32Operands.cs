using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// Variant 5's operands ("3xTF32"): fp32 products from TF32 tensor cores. Values are staged as fp32 and split at use
/// into x ≈ hi + lo, hi = x rounded to TF32 (to nearest), lo = x − hi (exact in fp32) cut to TF32 (toward zero), so that
/// a·b ≈ hi_a·hi_b + hi_a·lo_b + lo_a·hi_b: three mma per tile, the small terms first. What is left out, lo_a·lo_b and
/// the bits cut from lo, is at most about 2⁻²⁰ of a product: fp32's accuracy within a few units (plain TF32,
/// <see cref="Tf32Operands"/>, is 2⁻¹¹). A split is four operations (an add and a mask for hi, a subtraction and a mask
/// for lo); the NaN guard of <see cref="Tf32Mma.ToTf32"/> (three more per split, 20 splits per 24 mma) moves to staging,
/// once per value.
/// </summary>
public struct SplitTf32Operands : ITensorCoreOperands
{
    /// <summary>The value's bits; a NaN as the quiet NaN 0x7FC00000, which <see cref="Split"/>'s rounding carry leaves a NaN (0x7FFFFFFF would wrap to −0).</summary>
    public readonly uint Stage(float x) => float.IsNaN(x) ? 0x7FC00000u : Interop.FloatAsInt(x);

    /// <inheritdoc/>
    public readonly Tf32Fragment FragmentA(uint a0, uint a1, uint a2, uint a3)
    {
        var f = new Tf32Fragment();
        (f.Hi0, f.Lo0) = Split(a0);
        (f.Hi1, f.Lo1) = Split(a1);
        (f.Hi2, f.Lo2) = Split(a2);
        (f.Hi3, f.Lo3) = Split(a3);
        return f;
    }

    /// <inheritdoc/>
    public readonly MmaAccumulators Mma(MmaAccumulators acc, int set, int n, Tf32Fragment a, uint b0, uint b1, ArrayView<uint> scratch)
    {
        var (hi0, lo0) = Split(b0);
        var (hi1, lo1) = Split(b1);
        acc = Tf32Mma.Mma(acc, set, n, a.Lo0, a.Lo1, a.Lo2, a.Lo3, hi0, hi1, scratch);
        acc = Tf32Mma.Mma(acc, set, n, a.Hi0, a.Hi1, a.Hi2, a.Hi3, lo0, lo1, scratch);
        return Tf32Mma.Mma(acc, set, n, a.Hi0, a.Hi1, a.Hi2, a.Hi3, hi0, hi1, scratch);
    }

    /// <summary>
    /// (hi, lo) as TF32 bits of the staged value <paramref name="raw"/>: hi to nearest (ties away, as cvt.rna), lo = x − hi cut
    /// toward zero. |x − hi − lo| ≤ 2⁻²¹·|x|. A value within half a TF32 step of float.MaxValue rounds hi to infinity.
    /// </summary>
    public static (uint Hi, uint Lo) Split(uint raw)
    {
        uint hi = (raw + 0x1000u) & 0xFFFFE000u;
        uint lo = Interop.FloatAsInt(Interop.IntAsFloat(raw) - Interop.IntAsFloat(hi)) & 0xFFFFE000u;
        return (hi, lo);
    }
}
