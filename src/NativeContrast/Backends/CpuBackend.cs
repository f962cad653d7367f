using System.Runtime.Intrinsics;

namespace NativeContrast.Backends;

/// <summary>
/// The managed CPU backend: float32 and float64 (and int32 indices) on managed arrays, Vector256
/// loops for the elementwise float32 paths, the packed AVX2/FMA SGEMM for float32 matmul, and
/// Parallel.For across cores. Mirrors the ILGPU kernels in <c>NativeContrast.Kernels</c>; parity tests
/// keep the two equal.
/// </summary>
internal sealed partial class CpuBackend : IBackend
{
    private readonly CpuArrayPool pool = new();

    /// <summary>The pool behind this backend's buffers (tests clear it before measuring allocations).</summary>
    internal CpuArrayPool Pool => pool;

    public DeviceBuffer Allocate(DType dtype, int length) => dtype switch
    {
        DType.Float32 => new CpuBuffer<float>(dtype, length, pool.Rent<float>(length)),
        DType.Float64 => new CpuBuffer<double>(dtype, length, pool.Rent<double>(length)),
        DType.Int32 => new CpuBuffer<int>(dtype, length, pool.Rent<int>(length)),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    // Small arrays go back to the GC; large ones to the pool for the next step.
    public void Free(DeviceBuffer buffer)
    {
        switch (buffer)
        {
            case CpuBuffer<float> f: pool.Return(f.Data); break;
            case CpuBuffer<double> d: pool.Return(d.Data); break;
            case CpuBuffer<int> i: pool.Return(i.Data); break;
        }
    }

    public void Synchronize()
    {
    }

    internal static Span<T> Span<T>(BufferSlice s) where T : unmanaged =>
        ((CpuBuffer<T>)s.Buffer).Data.AsSpan(s.Offset, s.Length);

    private static T[] Array<T>(BufferSlice s) where T : unmanaged => ((CpuBuffer<T>)s.Buffer).Data;

    public void Upload<T>(ReadOnlySpan<T> source, BufferSlice destination) where T : unmanaged =>
        source.CopyTo(Span<T>(destination));

    public void Download<T>(BufferSlice source, Span<T> destination) where T : unmanaged =>
        Span<T>(source).CopyTo(destination);

    public void Fill(BufferSlice y, double value)
    {
        switch (y.Buffer)
        {
            case CpuBuffer<float>: Span<float>(y).Fill((float)value); break;
            case CpuBuffer<double>: Span<double>(y).Fill(value); break;
            case CpuBuffer<int>: Span<int>(y).Fill((int)value); break;
        }
    }
}
