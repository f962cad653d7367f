using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace NativeContrast.IO;

/// <summary>
/// NumPy <c>.npy</c> files (format versions 1–3), the interchange format of the <c>loss</c> command.
/// Reading checks the magic, the header and that the data length matches the shape exactly, so a
/// truncated or crafted file gives an <see cref="InvalidDataException"/> naming the file, never a huge
/// allocation. Writing goes to a temporary file that is then renamed over the target.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private static readonly string[] Supported = ["<f4", "<f8", "<i4", "<i8", ">f4", ">f8", ">i4", ">i8"];

    /// <summary>Reads a <c>.npy</c> file (version 1–3, C order, little- or big-endian numbers), checking its header against its length.</summary>
    public static NpyArray Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot read '{path}': {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses the bytes of a .npy file; <paramref name="name"/> goes into error messages.</summary>
    public static NpyArray Parse(byte[] bytes, string name)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InvalidDataException($"'{name}' is not a .npy file (no \\x93NUMPY magic).");
        int major = bytes[6];
        int headerLength, headerStart;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8, 2));
                headerStart = 10;
                break;
            case 2 or 3 when bytes.Length >= 12:
                uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8, 4));
                if (length > int.MaxValue) throw new InvalidDataException($"'{name}': header length {length} is not plausible.");
                headerLength = (int)length;
                headerStart = 12;
                break;
            default:
                throw new InvalidDataException($"'{name}': .npy format version {major} is not supported (1, 2 and 3 are).");
        }
        if ((long)headerStart + headerLength > bytes.Length)
            throw new InvalidDataException($"'{name}' is truncated: its header claims {headerLength} bytes but the file has {bytes.Length}.");
        string header = Encoding.UTF8.GetString(bytes, headerStart, headerLength);
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
            throw new InvalidDataException($"'{name}': malformed .npy header: {header.Trim()}");
        string type = descr.Groups[1].Value.Replace('|', '<').Replace('=', '<');
        if (Array.IndexOf(Supported, type) < 0)
            throw new InvalidDataException($"'{name}' holds '{descr.Groups[1].Value}' elements; supported are float32, float64, int32 and int64 ('<f4', '<f8', '<i4', '<i8').");
        if (fortran.Groups[1].Value == "True")
            throw new InvalidDataException($"'{name}' is in Fortran order; save a C-ordered array (np.ascontiguousarray).");
        var shape = ParseShape(shapeMatch.Groups[1].Value, name);
        long count = shape.Aggregate(1L, (p, d) => p * d);
        int itemSize = type[2] - '0';
        long dataStart = headerStart + headerLength;
        long expected = count * itemSize;
        if (count > Array.MaxLength / 8 || bytes.Length - dataStart != expected)
            throw new InvalidDataException($"'{name}': shape ({string.Join(", ", shape)}) of '{type}' needs {expected} data bytes but the file has {bytes.Length - dataStart}.");
        return new NpyArray(shape, type, bytes.AsSpan((int)dataStart).ToArray());
    }

    private static int[] ParseShape(string text, string name)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i].TrimEnd('L'), out shape[i]) || shape[i] < 0)
                throw new InvalidDataException($"'{name}': bad dimension '{parts[i]}' in the shape ({text}).");
        }
        return shape;
    }

    /// <summary>Writes float32 values of shape <paramref name="shape"/> (atomically).</summary>
    public static void Write(string path, ReadOnlySpan<float> values, IReadOnlyList<int> shape) =>
        Write(path, "<f4", System.Runtime.InteropServices.MemoryMarshal.AsBytes(values), values.Length, shape);

    /// <summary>Writes float64 values of shape <paramref name="shape"/> (atomically).</summary>
    public static void Write(string path, ReadOnlySpan<double> values, IReadOnlyList<int> shape) =>
        Write(path, "<f8", System.Runtime.InteropServices.MemoryMarshal.AsBytes(values), values.Length, shape);

    /// <summary>Writes int32 values of shape <paramref name="shape"/> (atomically).</summary>
    public static void Write(string path, ReadOnlySpan<int> values, IReadOnlyList<int> shape) =>
        Write(path, "<i4", System.Runtime.InteropServices.MemoryMarshal.AsBytes(values), values.Length, shape);

    private static void Write(string path, string descr, ReadOnlySpan<byte> data, int count, IReadOnlyList<int> shape)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Writing .npy files assumes a little-endian machine.");
        if (shape.Aggregate(1L, (p, d) => p * d) != count)
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) does not hold {count} values.", nameof(shape));
        string shapeText = shape.Count == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        // Version 1.0: the magic, 2 version bytes, a 2-byte header length, then the header padded with
        // spaces and ended by a newline so that the data starts on a multiple of 64 bytes.
        int unpadded = 10 + dict.Length + 1;
        int padded = (unpadded + 63) / 64 * 64;
        string header = dict + new string(' ', padded - unpadded) + "\n";
        using var file = AtomicFile.Create(path);
        var stream = file.Stream;
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(data);
        file.Commit();
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([<>|=][fiu]\d)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
