namespace NativeContrast.Backends;

/// <summary>Splits a range of work into one chunk per core when it is large enough to pay for the fork.</summary>
internal static class CpuParallel
{
    /// <summary>Below this many element-operations, work runs on the calling thread.</summary>
    public const long SerialThreshold = 1 << 15;

    private static int threads = Environment.ProcessorCount;

    /// <summary>Worker threads of the cpu backend (all cores unless set, see <see cref="CpuDevice.Threads"/>).</summary>
    public static int Threads
    {
        get => threads;
        set => threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The cpu backend needs at least one thread.");
    }

    /// <summary>Runs body(start, end) over [0, count) in contiguous chunks.</summary>
    public static void For(int count, long costPerItem, Action<int, int> body)
    {
        int chunks = (int)Math.Min(Threads, Math.Max(1, (long)count * costPerItem / SerialThreshold));
        chunks = Math.Min(chunks, count);
        if (chunks <= 1)
        {
            if (count > 0) body(0, count);
            return;
        }
        Parallel.For(0, chunks, c =>
        {
            int start = (int)((long)count * c / chunks);
            int end = (int)((long)count * (c + 1) / chunks);
            body(start, end);
        });
    }
}
