namespace NativeContrast.Backends;

/// <summary>A block of device memory holding <see cref="Length"/> elements of one <see cref="DType"/>.</summary>
internal abstract class DeviceBuffer
{
    protected DeviceBuffer(DType dtype, int length)
    {
        DType = dtype;
        Length = length;
    }

    public DType DType { get; }

    /// <summary>Elements usable by the tensor (the allocation may be larger when pooled).</summary>
    public int Length { get; }
}
