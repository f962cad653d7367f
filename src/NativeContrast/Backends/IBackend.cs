namespace NativeContrast.Backends;

/// <summary>
/// Pure compute on device buffers: no autograd, no shapes beyond what each call needs.
/// Every method takes element offsets through <see cref="BufferSlice"/>; outputs never alias
/// inputs unless the method says so. Tensors validate shapes, devices and dtypes before calling.
/// </summary>
internal partial interface IBackend
{
    /// <summary>Contents are undefined.</summary>
    DeviceBuffer Allocate(DType dtype, int length);

    void Free(DeviceBuffer buffer);

    void Upload<T>(ReadOnlySpan<T> source, BufferSlice destination) where T : unmanaged;

    void Download<T>(BufferSlice source, Span<T> destination) where T : unmanaged;

    void Fill(BufferSlice y, double value);

    void Synchronize();
}
