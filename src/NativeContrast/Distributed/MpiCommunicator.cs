using System.Diagnostics;
using static NativeContrast.Distributed.OpenMpiLibrary;

namespace NativeContrast.Distributed;

/// <summary>
/// MPI_COMM_WORLD of Open MPI. <see cref="Initialize"/> calls MPI_Init once per process;
/// <see cref="Dispose"/> calls MPI_Finalize. MPI's default error handler is kept, so an MPI error
/// ends the job instead of returning. Buffers are pinned for the duration of each call.
/// </summary>
public sealed unsafe class MpiCommunicator : Communicator
{
    private static MpiCommunicator? instance;
    private bool finalized;

    private MpiCommunicator(int rank, int size, int localSize, int localRank)
    {
        LocalRank = localRank;
        Rank = rank;
        Size = size;
        LocalSize = localSize;
    }

    /// <inheritdoc/>
    public override int Rank { get; }

    /// <inheritdoc/>
    public override int Size { get; }

    /// <inheritdoc/>
    public override int LocalSize { get; }

    /// <inheritdoc/>
    public override int LocalRank { get; }

    /// <summary>Initializes MPI (once per process) and returns MPI_COMM_WORLD.</summary>
    public static MpiCommunicator Initialize()
    {
        if (instance is not null) return instance;
        Load();
        int flag;
        Check(MPI_Initialized(&flag), "MPI_Initialized");
        if (flag == 0) Check(MPI_Init(null, null), "MPI_Init");
        int rank, size;
        Check(MPI_Comm_rank(CommWorld, &rank), "MPI_Comm_rank");
        Check(MPI_Comm_size(CommWorld, &size), "MPI_Comm_size");
        int localSize = int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_SIZE"), out var l) && l > 0 ? l : 1;
        int localRank = int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_RANK"), out var lr) && lr >= 0 ? lr : 0;
        return instance = new MpiCommunicator(rank, size, localSize, localRank);
    }

    /// <inheritdoc/>
    public override void Barrier()
    {
        long start = Stopwatch.GetTimestamp();
        Check(MPI_Barrier(CommWorld), "MPI_Barrier");
        CountTimeSince(start);
    }

    /// <inheritdoc/>
    public override void Broadcast<T>(Span<T> buffer, int root = 0)
    {
        if (root < 0 || root >= Size) throw new ArgumentOutOfRangeException(nameof(root), root, $"The root must be a rank in [0, {Size}).");
        long start = Stopwatch.GetTimestamp();
        fixed (T* p = buffer) Check(MPI_Bcast(p, buffer.Length, Datatype<T>(), root, CommWorld), "MPI_Bcast");
        CountTimeSince(start);
    }

    /// <inheritdoc/>
    public override void AllReduceSum<T>(Span<T> buffer)
    {
        long start = Stopwatch.GetTimestamp();
        fixed (T* p = buffer) Check(MPI_Allreduce((void*)InPlace, p, buffer.Length, Datatype<T>(), OpSum, CommWorld), "MPI_Allreduce");
        CountTimeSince(start);
    }

    /// <inheritdoc/>
    public override void AllReduceMax<T>(Span<T> buffer)
    {
        long start = Stopwatch.GetTimestamp();
        fixed (T* p = buffer) Check(MPI_Allreduce((void*)InPlace, p, buffer.Length, Datatype<T>(), OpMax, CommWorld), "MPI_Allreduce");
        CountTimeSince(start);
    }

    /// <inheritdoc/>
    public override void AllGather<T>(ReadOnlySpan<T> local, Span<T> gathered)
    {
        CheckGatherLength(local.Length, gathered.Length, Size);
        long start = Stopwatch.GetTimestamp();
        fixed (T* send = local)
        fixed (T* receive = gathered)
        {
            var type = Datatype<T>();
            Check(MPI_Allgather(send, local.Length, type, receive, local.Length, type, CommWorld), "MPI_Allgather");
        }
        CountTimeSince(start);
    }

    /// <inheritdoc/>
    public override void Abort(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        MPI_Abort(CommWorld, exitCode);
        Environment.Exit(exitCode);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        if (!finalized)
        {
            finalized = true;
            MPI_Finalize();
        }
        base.Dispose();
    }

    private static nint Datatype<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? Float
        : typeof(T) == typeof(double) ? OpenMpiLibrary.Double
        : typeof(T) == typeof(int) ? Int
        : throw new NotSupportedException($"MPI collectives here take float, double or int buffers, not {typeof(T).Name}.");
}
