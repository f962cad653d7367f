namespace NativeContrast.Backends;

/// <summary>
/// Reuses large managed arrays (those that would land on the large-object heap) by size class, so a
/// training loop does not trigger a full garbage collection every few steps. Size classes are powers
/// of two; at most <see cref="MaxPooledBytes"/> are held, beyond which returned arrays go to the GC.
/// </summary>
internal sealed class CpuArrayPool
{
    /// <summary>Arrays smaller than this many bytes are cheap for the GC and are not pooled.</summary>
    public const int MinPooledBytes = 64 * 1024;

    /// <summary>
    /// A quarter of the memory the GC may use, between 1 and 16 GiB. A training step's arrays return to the pool at its end
    /// and are rented again by the next; ResNet-18 on 512 images of 28×28 holds 3.3 GiB of tensors at its peak, and with
    /// the 1 GiB this was before, most of them went to the GC each step and came back as fresh arrays (a full collection a
    /// step, and every page touched anew).
    /// </summary>
    public static readonly long MaxPooledBytes = Math.Clamp(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4, 1L << 30, 16L << 30);

    private readonly Dictionary<(Type, int), Stack<Array>> free = new();
    private readonly object gate = new();
    private long pooledBytes;

    public long PooledBytes => Interlocked.Read(ref pooledBytes);

    public static int SizeClass(int length) =>
        length <= 1 ? 1 : (int)Math.Min(Array.MaxLength, 1L << (64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(length - 1))));

    public T[] Rent<T>(int length) where T : unmanaged
    {
        int bytes = length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (bytes < MinPooledBytes) return GC.AllocateUninitializedArray<T>(length);
        int capacity = SizeClass(length);
        lock (gate)
        {
            if (free.TryGetValue((typeof(T), capacity), out var stack) && stack.Count > 0)
            {
                var array = (T[])stack.Pop();
                pooledBytes -= (long)array.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
                return array;
            }
        }
        return GC.AllocateUninitializedArray<T>(capacity);
    }

    public void Return<T>(T[] array) where T : unmanaged
    {
        long bytes = (long)array.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (bytes < MinPooledBytes || array.Length != SizeClass(array.Length)) return;
        lock (gate)
        {
            if (pooledBytes + bytes > MaxPooledBytes) return;
            if (!free.TryGetValue((typeof(T), array.Length), out var stack))
                free[(typeof(T), array.Length)] = stack = new Stack<Array>();
            stack.Push(array);
            pooledBytes += bytes;
        }
    }

    /// <summary>Drops every pooled array (to the GC), e.g. before measuring what an operation allocates.</summary>
    public void Clear()
    {
        lock (gate)
        {
            free.Clear();
            pooledBytes = 0;
        }
    }
}
