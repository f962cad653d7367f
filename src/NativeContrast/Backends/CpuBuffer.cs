namespace NativeContrast.Backends;

/// <summary>Managed memory for the <c>cpu</c> backend.</summary>
internal sealed class CpuBuffer<T> : DeviceBuffer where T : unmanaged
{
    /// <summary>Uninitialized (every op writes all of its output); large arrays come from the pool and may be longer than <see cref="DeviceBuffer.Length"/>.</summary>
    public CpuBuffer(DType dtype, int length, T[] data) : base(dtype, length) => Data = data;

    public T[] Data { get; }
}
