namespace NativeContrast.Distributed;

/// <summary>
/// A group of processes that train together: each has a <see cref="Rank"/> in [0, <see cref="Size"/>).
/// Collectives take float32, float64 or int32 buffers on the host and must be called by every rank in
/// the same order. <see cref="FromEnvironment"/> gives an MPI communicator under <c>mpirun</c> and a
/// single process (rank 0 of 1, collectives are copies) otherwise.
/// </summary>
public abstract class Communicator : IDisposable
{
    /// <summary>This process's index among the processes, 0 … Size − 1.</summary>
    public abstract int Rank { get; }

    /// <summary>Number of processes.</summary>
    public abstract int Size { get; }

    /// <summary>Processes of this job on this machine (to share its cores between them).</summary>
    public virtual int LocalSize => 1;

    /// <summary>This process's index among the processes of this job on this machine (to pick its GPU).</summary>
    public virtual int LocalRank => 0;

    /// <summary>True when more than one process takes part.</summary>
    public bool IsDistributed => Size > 1;

    /// <summary>True on rank 0 (which writes files and prints).</summary>
    public bool IsRoot => Rank == 0;

    private long collectiveTicks;

    /// <summary>Time spent inside collectives so far, waiting for the other ranks included.</summary>
    public TimeSpan TimeInCollectives => System.Diagnostics.Stopwatch.GetElapsedTime(0, collectiveTicks);

    /// <summary>Adds the time since <paramref name="start"/> (a <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>) to <see cref="TimeInCollectives"/>.</summary>
    protected void CountTimeSince(long start) => collectiveTicks += System.Diagnostics.Stopwatch.GetTimestamp() - start;

    /// <summary>Waits until every rank reaches it.</summary>
    public abstract void Barrier();

    /// <summary>Copies <paramref name="buffer"/> of rank <paramref name="root"/> into every rank's buffer.</summary>
    public abstract void Broadcast<T>(Span<T> buffer, int root = 0) where T : unmanaged;

    /// <summary>Replaces <paramref name="buffer"/> on every rank by the element-wise sum over ranks.</summary>
    public abstract void AllReduceSum<T>(Span<T> buffer) where T : unmanaged;

    /// <summary>Replaces <paramref name="buffer"/> on every rank by the element-wise maximum over ranks.</summary>
    public abstract void AllReduceMax<T>(Span<T> buffer) where T : unmanaged;

    /// <summary>
    /// Concatenates every rank's <paramref name="local"/> (all the same length) in rank order into
    /// <paramref name="gathered"/> (Size × that length) on every rank.
    /// </summary>
    public abstract void AllGather<T>(ReadOnlySpan<T> local, Span<T> gathered) where T : unmanaged;

    /// <summary>
    /// Ends the whole job now, on every rank, with <paramref name="exitCode"/>: what a rank does when it
    /// fails, so that the others do not wait for it forever in a collective.
    /// </summary>
    public abstract void Abort(int exitCode);

    /// <inheritdoc/>
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>True when this process was started by Open MPI's <c>mpirun</c>/<c>mpiexec</c>.</summary>
    public static bool LaunchedByMpirun =>
        Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null || Environment.GetEnvironmentVariable("PMIX_RANK") is not null;

    /// <summary>An MPI communicator (initializing MPI) under mpirun; otherwise a single process.</summary>
    public static Communicator FromEnvironment() => LaunchedByMpirun ? MpiCommunicator.Initialize() : new SingleProcessCommunicator();

    /// <summary>Throws when a gather buffer does not hold <paramref name="size"/> × <paramref name="local"/> values.</summary>
    protected static void CheckGatherLength(int local, int gathered, int size)
    {
        if ((long)local * size != gathered)
            throw new ArgumentException($"AllGather needs a receive buffer of {size} × {local} elements; got {gathered}.");
    }
}
