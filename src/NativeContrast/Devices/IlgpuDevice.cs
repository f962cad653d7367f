using ILGPU;
using ILGPU.Runtime;
using NativeContrast.Backends;

namespace NativeContrast;

/// <summary>
/// A device backed by an ILGPU accelerator: <c>cuda:N</c>, <c>opencl:N</c> or <c>ilgpu-cpu</c>. Owns its
/// ILGPU context, accelerator, kernel cache and caching allocator; dispose it when done.
/// </summary>
public sealed class IlgpuDevice : Device
{
    private readonly Context context;
    private readonly Accelerator accelerator;
    private readonly IlgpuBackend backend;
    private bool disposed;

    internal IlgpuDevice(string name, DeviceKind kind, Context context, Accelerator accelerator)
    {
        Name = name;
        Kind = kind;
        this.context = context;
        this.accelerator = accelerator;
        backend = new IlgpuBackend(accelerator, name);
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override DeviceKind Kind { get; }

    /// <inheritdoc/>
    public override string Description => $"{accelerator.Name} (ILGPU {accelerator.AcceleratorType}, {accelerator.MemorySize / (1 << 20)} MiB)";

    /// <summary>Bytes held by the caching allocator and not in use by any tensor.</summary>
    public long CachedBytes => backend.Allocator.CachedBytes;

    /// <summary>The kernels the fused contrastive losses run (default <see cref="ContrastiveKernelVariant.Tiled"/>).</summary>
    public ContrastiveKernelVariant ContrastiveVariant
    {
        get => backend.ContrastiveVariant;
        set => backend.ContrastiveVariant = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown contrastive kernel variant.");
    }

    /// <summary>The kernels Conv2d runs (default <see cref="ConvolutionKernelVariant.ImplicitGemm"/>).</summary>
    public ConvolutionKernelVariant ConvolutionVariant
    {
        get => backend.ConvolutionVariant;
        set => backend.ConvolutionVariant = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown convolution kernel variant.");
    }

    /// <summary>
    /// Whether the kernels that merge lanes use warp shuffles here (CUDA, ILGPU's CPU accelerator, OpenCL platforms ILGPU
    /// identifies as Intel) or a shared-memory exchange (other OpenCL platforms, where ILGPU 1.5.3 cannot emit shuffles).
    /// Tests set it to run the shared-memory path where shuffles exist.
    /// </summary>
    public bool WarpShuffles
    {
        get => backend.HasWarpShuffles;
        internal set => backend.HasWarpShuffles = value;
    }

    /// <summary>Number of kernels compiled on this device so far.</summary>
    public int CompiledKernelCount => backend.CompiledKernelCount;

    internal override IBackend Backend => disposed
        ? throw new ObjectDisposedException(nameof(IlgpuDevice), $"Device '{Name}' was disposed.")
        : backend;

    /// <summary>Returns cached device memory to the driver.</summary>
    public void ReleaseCachedMemory() => backend.Allocator.ReleaseCached();

    /// <inheritdoc/>
    public override void Dispose()
    {
        if (disposed) return;
        disposed = true;
        backend.Dispose();
        accelerator.Dispose();
        context.Dispose();
        base.Dispose();
    }
}
