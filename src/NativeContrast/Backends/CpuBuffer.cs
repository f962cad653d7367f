namespace NativeContrast.Backends;

/// <summary>Managed memory for the <c>cpu</c> backend.</summary>
internal sealed class CpuBuffer<T> : DeviceBuffer where T : unmanaged
{
    // Uninitialized: every op writes all of its output, and zeroing a large array costs a full memory pass.
    public CpuBuffer(DType dtype, int length) : base(dtype, length) => Data = GC.AllocateUninitializedArray<T>(length);

    public T[] Data { get; }
}
