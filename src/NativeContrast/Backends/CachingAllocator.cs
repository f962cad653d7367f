using ILGPU;
using ILGPU.Runtime;

namespace NativeContrast.Backends;

/// <summary>
/// Keeps freed device buffers by size class and hands them out again, so a training loop does no raw
/// device allocation per op after its first step. Size classes: powers of two up to 1 Mi elements,
/// then multiples of 1 Mi (at most 2× waste for small buffers, under 1 Mi elements for large ones).
/// </summary>
internal sealed class CachingAllocator : IDisposable
{
    private const long LargeStep = 1 << 20;

    private readonly Accelerator accelerator;
    private readonly Dictionary<(Type, long), Stack<MemoryBuffer>> free = new();
    private readonly object gate = new();
    private long cachedBytes;

    public CachingAllocator(Accelerator accelerator) => this.accelerator = accelerator;

    /// <summary>Bytes held in the pool, not in use by any tensor.</summary>
    public long CachedBytes => Interlocked.Read(ref cachedBytes);

    public static long SizeClass(long length)
    {
        if (length <= 1) return 1;
        if (length <= LargeStep) return 1L << (64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(length - 1)));
        return (length + LargeStep - 1) / LargeStep * LargeStep;
    }

    public MemoryBuffer1D<T, Stride1D.Dense> Rent<T>(long length) where T : unmanaged
    {
        long capacity = SizeClass(length);
        lock (gate)
        {
            if (free.TryGetValue((typeof(T), capacity), out var stack) && stack.Count > 0)
            {
                var buffer = (MemoryBuffer1D<T, Stride1D.Dense>)stack.Pop();
                Interlocked.Add(ref cachedBytes, -buffer.LengthInBytes);
                return buffer;
            }
        }
        try
        {
            return accelerator.Allocate1D<T>(capacity);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Out of device memory: release the cache and try once more before giving up.
            ReleaseCached();
            return accelerator.Allocate1D<T>(capacity);
        }
    }

    public void Return<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer) where T : unmanaged
    {
        lock (gate)
        {
            if (!free.TryGetValue((typeof(T), buffer.Length), out var stack))
                free[(typeof(T), buffer.Length)] = stack = new Stack<MemoryBuffer>();
            stack.Push(buffer);
            Interlocked.Add(ref cachedBytes, buffer.LengthInBytes);
        }
    }

    /// <summary>Frees every cached buffer back to the device.</summary>
    public void ReleaseCached()
    {
        lock (gate)
        {
            foreach (var stack in free.Values)
                while (stack.Count > 0) stack.Pop().Dispose();
            free.Clear();
            Interlocked.Exchange(ref cachedBytes, 0);
        }
    }

    public void Dispose() => ReleaseCached();
}
