namespace NativeContrast.Kernels;

/// <summary>
/// Two adjacent 32-bit words: read from an 8-byte-aligned view (<c>Cast&lt;UInt2&gt;().AsAligned(8)</c>) ILGPU emits
/// one <c>ld.shared.v2.u32</c> for both (the tensor-core kernels load a lane's two TF32 fragment elements this way).
/// </summary>
public struct UInt2
{
    /// <summary>The two lanes.</summary>
    public uint X, Y;
}
