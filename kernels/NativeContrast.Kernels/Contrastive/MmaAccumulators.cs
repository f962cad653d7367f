namespace NativeContrast.Kernels;

/// <summary>
/// The software copy of one warp's 8 m16n8 accumulator tiles (a 16 × 64 block of a product), used where
/// tensor cores are not (ILGPU's CPU accelerator): tile n holds c0…c3 as X…W (see <see cref="Tf32Mma"/>).
/// On CUDA the accumulators live in named PTX registers instead and this struct stays unused.
/// </summary>
public struct MmaAccumulators
{
    /// <summary>The eight 4-float accumulator tiles of one warp lane.</summary>
    public Float4 T0, T1, T2, T3, T4, T5, T6, T7;

    /// <summary>Tile <paramref name="n"/> (0–7).</summary>
    public readonly Float4 Tile(int n) => n switch { 0 => T0, 1 => T1, 2 => T2, 3 => T3, 4 => T4, 5 => T5, 6 => T6, _ => T7 };

    /// <summary>A copy with tile <paramref name="n"/> replaced by <paramref name="value"/>.</summary>
    public readonly MmaAccumulators WithTile(int n, Float4 value)
    {
        var copy = this;
        switch (n)
        {
            case 0: copy.T0 = value; break;
            case 1: copy.T1 = value; break;
            case 2: copy.T2 = value; break;
            case 3: copy.T3 = value; break;
            case 4: copy.T4 = value; break;
            case 5: copy.T5 = value; break;
            case 6: copy.T6 = value; break;
            default: copy.T7 = value; break;
        }
        return copy;
    }
}
