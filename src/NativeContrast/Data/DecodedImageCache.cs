namespace NativeContrast.Data;

/// <summary>
/// Decoded images by file number, least recently used first out once their bytes pass <see cref="CapacityBytes"/>;
/// thread-safe. A folder that fits is decoded once; a larger one keeps memory at the capacity and decodes the rest again.
/// </summary>
internal sealed class DecodedImageCache(long capacityBytes)
{
    private readonly Dictionary<int, LinkedListNode<(int File, byte[] Pixels)>> entries = new();
    private readonly LinkedList<(int File, byte[] Pixels)> order = new();
    private readonly object gate = new();

    public long CapacityBytes { get; } = capacityBytes;

    /// <summary>Bytes held now.</summary>
    public long Bytes { get; private set; }

    /// <summary>Reads answered from the cache.</summary>
    public long Hits { get; private set; }

    /// <summary>Reads that had to decode.</summary>
    public long Misses { get; private set; }

    public bool TryGet(int file, Span<byte> destination)
    {
        lock (gate)
        {
            if (!entries.TryGetValue(file, out var node))
            {
                Misses++;
                return false;
            }
            order.Remove(node);
            order.AddFirst(node);
            node.Value.Pixels.CopyTo(destination);
            Hits++;
            return true;
        }
    }

    /// <summary>Keeps <paramref name="pixels"/> (the cache takes the array: the caller must not change it) as file <paramref name="file"/>'s.</summary>
    public void Add(int file, byte[] pixels)
    {
        if (pixels.Length > CapacityBytes) return;
        lock (gate)
        {
            if (entries.ContainsKey(file)) return;
            while (Bytes + pixels.Length > CapacityBytes && order.Last is { } oldest)
            {
                order.RemoveLast();
                entries.Remove(oldest.Value.File);
                Bytes -= oldest.Value.Pixels.Length;
            }
            entries[file] = order.AddFirst((file, pixels));
            Bytes += pixels.Length;
        }
    }
}
