using System.Collections.Concurrent;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>
/// Runs the ILGPU kernels of <c>NativeContrast.Kernels</c> on one accelerator (CUDA, OpenCL or ILGPU's
/// CPU accelerator). Kernels are compiled on first use and cached per device; memory comes from a
/// <see cref="CachingAllocator"/>. Float32 and Int32 only.
/// </summary>
internal sealed partial class IlgpuBackend : IBackend, IDisposable
{
    private readonly Accelerator accelerator;
    private readonly CachingAllocator allocator;
    private readonly ConcurrentDictionary<System.Reflection.MethodInfo, Delegate> kernels = new();

    public IlgpuBackend(Accelerator accelerator, string deviceName)
    {
        this.accelerator = accelerator;
        DeviceName = deviceName;
        allocator = new CachingAllocator(accelerator);
        HasWarpShuffles = SupportsWarpShuffles(accelerator);
    }

    /// <summary>The device's name, for messages.</summary>
    public string DeviceName { get; }

    /// <summary>
    /// Whether ILGPU can compile warp shuffles for this accelerator. ILGPU 1.5.3 emits them for CUDA and its CPU
    /// accelerator, and for OpenCL only as Intel sub-group shuffles, on platforms whose vendor it identifies as Intel
    /// (<see cref="CLAccelerator.Vendor"/>); the kernels that merge lanes use a shared-memory exchange elsewhere
    /// (<see cref="SharedMemoryExchange"/>).
    /// </summary>
    public bool HasWarpShuffles { get; set; }

    /// <summary>The rule of <see cref="HasWarpShuffles"/>, from ILGPU's own view of the device.</summary>
    public static bool SupportsWarpShuffles(Accelerator accelerator) => accelerator is not CLAccelerator cl || cl.Vendor == CLDeviceVendor.Intel;

    public CachingAllocator Allocator => allocator;

    /// <summary>Which kernels Conv2d runs.</summary>
    public ConvolutionKernelVariant ConvolutionVariant { get; set; } = ConvolutionKernelVariant.ImplicitGemm;

    /// <summary>Which kernels the fused contrastive losses run.</summary>
    public ContrastiveKernelVariant ContrastiveVariant { get; set; } = ContrastiveKernelVariant.Tiled;

    /// <summary>Number of distinct kernels compiled so far (for tests of the cache).</summary>
    public int CompiledKernelCount => kernels.Count;

    private static ArrayView<float> F(BufferSlice s) => ((IlgpuBuffer<float>)s.Buffer).View(s.Offset, s.Length);

    private static ArrayView<int> I(BufferSlice s) => ((IlgpuBuffer<int>)s.Buffer).View(s.Offset, s.Length);

    /// <summary>A view from the slice's offset to the end of the buffer (for strided access).</summary>
    private static ArrayView<float> FTail(BufferSlice s) => ((IlgpuBuffer<float>)s.Buffer).View(s.Offset, s.Buffer.Length - s.Offset);

    public DeviceBuffer Allocate(DType dtype, int length) => dtype switch
    {
        DType.Float32 => new IlgpuBuffer<float>(dtype, length, allocator.Rent<float>(length)),
        DType.Int32 => new IlgpuBuffer<int>(dtype, length, allocator.Rent<int>(length)),
        _ => throw new NotSupportedException($"ILGPU devices hold float32 and int32 tensors, not {dtype}."),
    };

    public void Free(DeviceBuffer buffer)
    {
        switch (buffer)
        {
            case IlgpuBuffer<float> f: allocator.Return(f.Memory); break;
            case IlgpuBuffer<int> i: allocator.Return(i.Memory); break;
        }
    }

    public void Synchronize() => accelerator.Synchronize();

    public void Upload<T>(ReadOnlySpan<T> source, BufferSlice destination) where T : unmanaged
    {
        if (source.Length == 0) return;
        var view = ((IlgpuBuffer<T>)destination.Buffer).View(destination.Offset, destination.Length);
        view.CopyFromCPU(source.ToArray());
    }

    public void Download<T>(BufferSlice source, Span<T> destination) where T : unmanaged
    {
        if (destination.Length == 0) return;
        accelerator.Synchronize();
        var view = ((IlgpuBuffer<T>)source.Buffer).View(source.Offset, source.Length);
        ((ArrayView1D<T, Stride1D.Dense>)view).GetAsArray1D().AsSpan().CopyTo(destination);
    }

    public void Fill(BufferSlice y, double value)
    {
        if (y.Length == 0) return;
        if (y.Buffer is IlgpuBuffer<int>)
            Grouped<ArrayView<int>, int>(ElementwiseKernels.FillInt)(y.Length, I(y), (int)value);
        else
            Grouped<ArrayView<float>, float>(ElementwiseKernels.Fill)(y.Length, F(y), (float)value);
    }

    private static int Blocks(int count, int size) => (count + size - 1) / size;

    public void Dispose()
    {
        accelerator.Synchronize();
        allocator.Dispose();
    }
}
