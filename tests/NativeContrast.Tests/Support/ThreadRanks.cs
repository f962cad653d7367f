using System.Runtime.InteropServices;
using NativeContrast.Distributed;

namespace NativeContrast.Tests.Support;

/// <summary>
/// K ranks as K threads of this process, for testing data-parallel code without mpirun: the collectives
/// exchange buffers through shared slots between two barriers.
/// </summary>
public static class ThreadRanks
{
    /// <summary>Runs body(communicator) on <paramref name="size"/> threads at once and returns each rank's result.</summary>
    public static T[] Run<T>(int size, Func<Communicator, T> body)
    {
        var group = new Group(size);
        var results = new T[size];
        var errors = new Exception?[size];
        var threads = Enumerable.Range(0, size).Select(rank => new Thread(() =>
        {
            try
            {
                results[rank] = body(new ThreadCommunicator(rank, group));
            }
            catch (Exception e)
            {
                errors[rank] = e;
                group.Barrier.Dispose();
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        var first = errors.FirstOrDefault(e => e is not null and not ObjectDisposedException) ?? errors.FirstOrDefault(e => e is not null);
        if (first is not null) throw new AggregateException(first);
        return results;
    }

    private sealed class Group(int size)
    {
        public readonly Barrier Barrier = new(size);
        public readonly double[][] Slots = new double[size][];
    }

    private sealed class ThreadCommunicator(int rank, Group group) : Communicator
    {
        public override int Rank => rank;

        public override int Size => group.Slots.Length;

        public override void Barrier() => group.Barrier.SignalAndWait();

        private double[][] Exchange<T>(ReadOnlySpan<T> local) where T : unmanaged
        {
            group.Slots[rank] = ToDoubles(local);
            group.Barrier.SignalAndWait();
            var all = group.Slots.Select(s => (double[])s.Clone()).ToArray();
            group.Barrier.SignalAndWait();
            return all;
        }

        public override void Broadcast<T>(Span<T> buffer, int root = 0) => FromDoubles(Exchange<T>(buffer)[root], buffer);

        public override void AllReduceSum<T>(Span<T> buffer)
        {
            var all = Exchange<T>(buffer);
            FromDoubles(Enumerable.Range(0, buffer.Length).Select(i => all.Sum(a => a[i])).ToArray(), buffer);
        }

        public override void AllReduceMax<T>(Span<T> buffer)
        {
            var all = Exchange<T>(buffer);
            FromDoubles(Enumerable.Range(0, buffer.Length).Select(i => all.Max(a => a[i])).ToArray(), buffer);
        }

        public override void AllGather<T>(ReadOnlySpan<T> local, Span<T> gathered)
        {
            CheckGatherLength(local.Length, gathered.Length, Size);
            FromDoubles(Exchange(local).SelectMany(a => a).ToArray(), gathered);
        }

        public override void Abort(int exitCode) => throw new InvalidOperationException($"rank {rank} aborted with {exitCode}");

        private static double[] ToDoubles<T>(ReadOnlySpan<T> values) where T : unmanaged
        {
            if (typeof(T) == typeof(double)) return MemoryMarshal.Cast<T, double>(values).ToArray();
            if (typeof(T) == typeof(float)) return Array.ConvertAll(MemoryMarshal.Cast<T, float>(values).ToArray(), v => (double)v);
            if (typeof(T) == typeof(int)) return Array.ConvertAll(MemoryMarshal.Cast<T, int>(values).ToArray(), v => (double)v);
            throw new NotSupportedException(typeof(T).Name);
        }

        private static void FromDoubles<T>(double[] values, Span<T> destination) where T : unmanaged
        {
            if (typeof(T) == typeof(double)) values.CopyTo(MemoryMarshal.Cast<T, double>(destination));
            else if (typeof(T) == typeof(float)) Array.ConvertAll(values, v => (float)v).CopyTo(MemoryMarshal.Cast<T, float>(destination));
            else Array.ConvertAll(values, v => (int)v).CopyTo(MemoryMarshal.Cast<T, int>(destination));
        }
    }
}
