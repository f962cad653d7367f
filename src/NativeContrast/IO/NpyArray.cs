using System.Buffers.Binary;

namespace NativeContrast.IO;

/// <summary>
/// An array read from a NumPy <c>.npy</c> file: its shape, its element type as NumPy spells it
/// (<c>&lt;f4</c>, <c>&lt;f8</c>, <c>&lt;i4</c>, <c>&lt;i8</c>, or big-endian with <c>&gt;</c>) and its raw
/// C-order bytes, with conversions that say what they lose.
/// </summary>
public sealed class NpyArray
{
    private readonly byte[] data;

    internal NpyArray(int[] shape, string descr, byte[] data)
    {
        Shape = shape;
        Descr = descr;
        this.data = data;
    }

    /// <summary>The array's dimensions.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The element type as NumPy spells it (<c>&lt;f4</c>, <c>&lt;i8</c>, …).</summary>
    public string Descr { get; }

    /// <summary>Number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (p, d) => p * d);

    /// <summary>True for float16/32/64 data.</summary>
    public bool IsFloatingPoint => Descr[1] == 'f';

    private bool BigEndian => Descr[0] == '>';

    private int ItemSize => Descr[2] - '0';

    /// <summary>The values as float64 (exact for every supported type but int64 beyond 2⁵³).</summary>
    public double[] ToDoubleArray()
    {
        var result = new double[Count];
        for (int i = 0; i < result.Length; i++) result[i] = ReadDouble(i);
        return result;
    }

    /// <summary>The values as float32 (float64 rounded; integers converted).</summary>
    public float[] ToFloatArray() => Array.ConvertAll(ToDoubleArray(), v => (float)v);

    /// <summary>The values as int32; integer types only, each value must fit.</summary>
    public int[] ToIntArray(string what)
    {
        if (IsFloatingPoint) throw new InvalidDataException($"{what} must hold integers (int32 or int64); the file holds {Describe()}.");
        var result = new int[Count];
        for (int i = 0; i < result.Length; i++)
        {
            long v = ItemSize == 8 ? ReadInt64(i) : ReadInt32(i);
            if (v < int.MinValue || v > int.MaxValue) throw new InvalidDataException($"{what}: value {v} at index {i} does not fit in int32.");
            result[i] = (int)v;
        }
        return result;
    }

    /// <summary>e.g. "float32 [4, 3]".</summary>
    public string Describe() => $"{(IsFloatingPoint ? "float" : "int")}{ItemSize * 8} [{string.Join(", ", Shape)}]";

    private double ReadDouble(int i) => (Descr[1], ItemSize) switch
    {
        ('f', 4) => BitConverter.Int32BitsToSingle(ReadInt32(i)),
        ('f', 8) => BitConverter.Int64BitsToDouble(ReadInt64(i)),
        (_, 8) => ReadInt64(i),
        _ => ReadInt32(i),
    };

    private int ReadInt32(int i)
    {
        var span = data.AsSpan(i * 4, 4);
        return BigEndian ? BinaryPrimitives.ReadInt32BigEndian(span) : BinaryPrimitives.ReadInt32LittleEndian(span);
    }

    private long ReadInt64(int i)
    {
        var span = data.AsSpan(i * 8, 8);
        return BigEndian ? BinaryPrimitives.ReadInt64BigEndian(span) : BinaryPrimitives.ReadInt64LittleEndian(span);
    }
}
