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

    /// <summary>The name used to select it: <c>cpu</c>, <c>ilgpu-cpu</c>, <c>cuda:0</c>, <c>opencl:0</c>.</summary>
    public abstract string Name { get; }

    public abstract DeviceKind Kind { get; }

    /// <summary>What the hardware is, for logs and <c>nativecontrast info</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Whether float64 tensors may be placed here (only <c>cpu</c>).</summary>
    public virtual bool SupportsFloat64 => false;

    /// <summary>Tensor storages allocated on this device and not yet freed (views share one storage).</summary>
    public long LiveBuffers => Interlocked.Read(ref liveBuffers);

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

    internal void OnBufferAllocated() => Interlocked.Increment(ref liveBuffers);

    internal void OnBufferFreed() => Interlocked.Decrement(ref liveBuffers);

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
    }

    public override string ToString() => Name;
}
