namespace NativeContrast.Distributed;

/// <summary>One process on its own: rank 0 of 1; every collective leaves the data as it is.</summary>
public sealed class SingleProcessCommunicator : Communicator
{
    /// <inheritdoc/>
    public override int Rank => 0;

    /// <inheritdoc/>
    public override int Size => 1;

    /// <inheritdoc/>
    public override void Barrier()
    {
    }

    /// <inheritdoc/>
    public override void Broadcast<T>(Span<T> buffer, int root = 0)
    {
        if (root != 0) throw new ArgumentOutOfRangeException(nameof(root), root, "A single process has only rank 0.");
    }

    /// <inheritdoc/>
    public override void AllReduceSum<T>(Span<T> buffer)
    {
    }

    /// <inheritdoc/>
    public override void AllReduceMax<T>(Span<T> buffer)
    {
    }

    /// <inheritdoc/>
    public override void AllGather<T>(ReadOnlySpan<T> local, Span<T> gathered)
    {
        CheckGatherLength(local.Length, gathered.Length, 1);
        local.CopyTo(gathered);
    }

    /// <inheritdoc/>
    public override void Abort(int exitCode) => Environment.Exit(exitCode);
}
