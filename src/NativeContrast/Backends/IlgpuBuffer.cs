using ILGPU;
using ILGPU.Runtime;

namespace NativeContrast.Backends;

/// <summary>ILGPU device memory; <see cref="Memory"/> may be larger than <see cref="DeviceBuffer.Length"/> (pooled size class).</summary>
internal sealed class IlgpuBuffer<T> : DeviceBuffer where T : unmanaged
{
    public IlgpuBuffer(DType dtype, int length, MemoryBuffer1D<T, Stride1D.Dense> memory) : base(dtype, length) => Memory = memory;

    public MemoryBuffer1D<T, Stride1D.Dense> Memory { get; }

    public ArrayView<T> View(int offset, int length) => Memory.View.SubView(offset, length);
}
