using NativeContrast.Backends;

namespace NativeContrast;

/// <summary>
/// Where tensors live and ops run. <c>cpu</c> is a process-wide singleton; ILGPU devices own an
/// ILGPU context and accelerator, a compiled-kernel cache and a caching allocator, and are
/// disposed by their creator.
/// </summary>
public abstract class Device : IDisposable
{
    private long liveBuffers;
    private long liveBytes;
    private long peakLiveBytes;
    private long hostReads;

    /// <summary>The name used to select it: <c>cpu</c>, <c>ilgpu-cpu</c>, <c>cuda:0</c>, <c>opencl:0</c>.</summary>
    public abstract string Name { get; }

    /// <summary>What kind of device this is.</summary>
    public abstract DeviceKind Kind { get; }

    /// <summary>What the hardware is, for logs and <c>nativecontrast info</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Whether float64 tensors may be placed here (only <c>cpu</c>).</summary>
    public virtual bool SupportsFloat64 => false;

    /// <summary>Tensor storages allocated on this device and not yet freed (views share one storage).</summary>
    public long LiveBuffers => Interlocked.Read(ref liveBuffers);

    /// <summary>Bytes of the tensor storages now allocated on this device (elements × element size).</summary>
    public long LiveBytes => Interlocked.Read(ref liveBytes);

    /// <summary>The most <see cref="LiveBytes"/> has been since the device was created or <see cref="ResetPeakLiveBytes"/>.</summary>
    public long PeakLiveBytes => Interlocked.Read(ref peakLiveBytes);

    /// <summary>Starts a new peak measurement from the current <see cref="LiveBytes"/>.</summary>
    public void ResetPeakLiveBytes() => Interlocked.Exchange(ref peakLiveBytes, LiveBytes);

    /// <summary>
    /// How many times a tensor's values have been read back to the host (<c>Item</c>, <c>ToFloatArray</c>, …). On a GPU each
    /// such read waits for all queued work, so the hot loops keep it low; counted the same way on every device.
    /// </summary>
    public long HostReads => Interlocked.Read(ref hostReads);

    internal abstract IBackend Backend { get; }

    /// <summary>The managed SIMD CPU device.</summary>
    public static Device Cpu => CpuDevice.Instance;

    /// <summary>
    /// A device by name: <c>cpu</c>, <c>ilgpu-cpu</c>, <c>cuda</c> / <c>cuda:N</c>, <c>opencl</c> /
    /// <c>opencl:N</c>, or <c>auto</c> (cuda, then opencl, then cpu).
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown, or the device is absent or refused (the message says why).</exception>
    public static Device Create(string name, TextWriter? log = null) => DeviceCatalog.Create(name, log);

    /// <summary>The best available device (cuda, then opencl, then cpu); writes which one it picked to <paramref name="log"/>.</summary>
    public static Device Auto(TextWriter? log = null) => DeviceCatalog.Create("auto", log);

    /// <summary>Waits until all queued work on the device has finished.</summary>
    public void Synchronize() => Backend.Synchronize();

    internal void OnBufferAllocated(long bytes)
    {
        Interlocked.Increment(ref liveBuffers);
        long live = Interlocked.Add(ref liveBytes, bytes);
        long peak;
        while (live > (peak = Interlocked.Read(ref peakLiveBytes)) && Interlocked.CompareExchange(ref peakLiveBytes, live, peak) != peak)
        {
        }
    }

    internal void OnHostRead() => Interlocked.Increment(ref hostReads);

    internal void OnBufferFreed(long bytes)
    {
        Interlocked.Decrement(ref liveBuffers);
        Interlocked.Add(ref liveBytes, -bytes);
    }

    /// <inheritdoc/>
    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
