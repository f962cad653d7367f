using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// Variant 3's operands: every value rounded to TF32 when staged (10 mantissa bits), one mma per tile. Products carry
/// TF32's relative error, about 2⁻¹¹ per operand.
/// </summary>
public struct Tf32Operands : ITensorCoreOperands
{
    /// <inheritdoc/>
    public readonly uint Stage(float x) => Tf32Mma.ToTf32(x);

    /// <inheritdoc/>
    public readonly Tf32Fragment FragmentA(uint a0, uint a1, uint a2, uint a3) => new() { Hi0 = a0, Hi1 = a1, Hi2 = a2, Hi3 = a3 };

    /// <inheritdoc/>
    public readonly MmaAccumulators Mma(MmaAccumulators acc, int set, int n, Tf32Fragment a, uint b0, uint b1, ArrayView<uint> scratch) =>
        Tf32Mma.Mma(acc, set, n, a.Hi0, a.Hi1, a.Hi2, a.Hi3, b0, b1, scratch);
}
