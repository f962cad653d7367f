using NativeContrast.Backends;

namespace NativeContrast;

/// <summary>
/// One device allocation shared by a tensor and its views (reshape, row slices). Reference-counted:
/// the buffer returns to the device when the last tensor using it is disposed.
/// </summary>
internal sealed class TensorStorage
{
    private int references = 1;

    public TensorStorage(Device device, DeviceBuffer buffer)
    {
        Device = device;
        Buffer = buffer;
        device.OnBufferAllocated(Bytes);
    }

    public Device Device { get; }

    public DeviceBuffer Buffer { get; }

    private long Bytes => (long)Buffer.Length * (Buffer.DType == DType.Float64 ? 8 : 4);

    /// <summary>More than one tensor (views included) uses this allocation.</summary>
    public bool IsShared => Volatile.Read(ref references) > 1;

    public void AddReference()
    {
        if (Interlocked.Increment(ref references) <= 1)
            throw new ObjectDisposedException(nameof(Tensor), "The tensor's storage was already freed.");
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref references) == 0)
        {
            Device.Backend.Free(Buffer);
            Device.OnBufferFreed(Bytes);
        }
    }
}
