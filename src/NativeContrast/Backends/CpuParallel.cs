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

    /// <summary>
    /// Runs body(start, end) over [0, count) in contiguous chunks, one per core. With <paramref name="chunksPerThread"/> above 1
    /// the range is cut into that many more chunks, handed out as threads come free, so a core that the host's other work
    /// slows down does fewer of them; only for bodies whose items do not depend on where a chunk starts (whole planes,
    /// channels or images: a chunk boundary inside a SIMD loop would move elements between its vector and scalar paths).
    /// </summary>
    public static void For(int count, long costPerItem, Action<int, int> body, int chunksPerThread = 1)
    {
        int threadChunks = (int)Math.Min(Threads, Math.Max(1, (long)count * costPerItem / SerialThreshold));
        int chunks = Math.Min(threadChunks <= 1 ? 1 : threadChunks * Math.Max(1, chunksPerThread), count);
        if (chunks <= 1)
        {
            if (count > 0) body(0, count);
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threadChunks }, c =>
        {
            int start = (int)((long)count * c / chunks);
            int end = (int)((long)count * (c + 1) / chunks);
            body(start, end);
        });
    }
}
