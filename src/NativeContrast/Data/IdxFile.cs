using System.Buffers.Binary;
using System.IO.Compression;

namespace NativeContrast.Data;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST (raw or gzip): two zero bytes, a type byte (0x08 =
/// unsigned byte, the only type those datasets use), the number of dimensions, each dimension as a
/// big-endian int32, then the values. Reading checks the magic, the type, the dimensions and that the
/// data is exactly as long as they say, so a truncated, padded or foreign file gives an
/// <see cref="InvalidDataException"/> that names the file and what is wrong.
/// </summary>
public static class IdxFile
{
    /// <summary>At most this many data bytes (a guard against a crafted header claiming terabytes).</summary>
    public const long MaxDataBytes = 1L << 30;

    /// <summary>The first chunk a stream of unknown length is read into (it doubles as data arrives).</summary>
    private const int InitialChunk = 1 << 20;

    /// <summary>Reads an IDX file (raw or gzip), checking its header against its length.</summary>
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        using var file = File.OpenRead(path);
        bool gzip = file.Length >= 2 && file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
        file.Position = 0;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return Read(stream, path);
        }
        catch (InvalidDataException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            // The decompressor's own errors (a corrupt gzip stream) do not say which file.
            throw new InvalidDataException($"'{path}' is not a valid gzip-compressed IDX file: {e.Message}", e);
        }
    }

    /// <summary>Parses IDX data from a stream; <paramref name="name"/> goes into error messages.</summary>
    public static IdxArray Read(Stream stream, string name)
    {
        Span<byte> header = stackalloc byte[4];
        if (!ReadFully(stream, header))
            throw new InvalidDataException($"'{name}' is too short to be an IDX file (under 4 bytes).");
        if (header[0] != 0 || header[1] != 0)
            throw new InvalidDataException($"'{name}' is not an IDX file: it starts with 0x{header[0]:X2}{header[1]:X2}, not 0x0000.");
        if (header[2] != 0x08)
            throw new InvalidDataException($"'{name}': IDX element type 0x{header[2]:X2} is not supported (only 0x08, unsigned bytes, as in MNIST).");
        int rank = header[3];
        if (rank is < 1 or > 4) throw new InvalidDataException($"'{name}': IDX files here have 1 to 4 dimensions; this one claims {rank}.");
        var dims = new int[rank];
        Span<byte> word = stackalloc byte[4];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            if (!ReadFully(stream, word)) throw new InvalidDataException($"'{name}' is truncated inside its header (dimension {i + 1} of {rank}).");
            int d = BinaryPrimitives.ReadInt32BigEndian(word);
            if (d < 0) throw new InvalidDataException($"'{name}': dimension {i + 1} is negative ({d}).");
            dims[i] = d;
            count *= d;
            if (count > MaxDataBytes) throw new InvalidDataException($"'{name}': dimensions [{string.Join(", ", dims.Take(i + 1))}] claim more than {MaxDataBytes} bytes.");
        }
        // Allocate no more than the data there is: a file that can tell its length is checked first; a stream that
        // cannot (gzip) is read in chunks that grow with what arrives, so a header claiming a gigabyte costs nothing.
        if (stream.CanSeek && count > stream.Length - stream.Position)
            throw new InvalidDataException($"'{name}' is truncated: dimensions [{string.Join(", ", dims)}] need {count} data bytes, the file has {stream.Length - stream.Position}.");
        var data = new byte[Math.Min(count, InitialChunk)];
        int read = ReadUpTo(stream, data);
        while (read == data.Length && read < count)
        {
            Array.Resize(ref data, (int)Math.Min(count, 2L * data.Length));
            read += ReadUpTo(stream, data.AsSpan(read));
        }
        if (read < count)
            throw new InvalidDataException($"'{name}' is truncated: dimensions [{string.Join(", ", dims)}] need {count} data bytes, the file has {read}.");
        if (stream.ReadByte() >= 0)
            throw new InvalidDataException($"'{name}' is longer than its dimensions [{string.Join(", ", dims)}] say ({count} data bytes): wrong file or corrupted header.");
        return new IdxArray(dims, data);
    }

    private static bool ReadFully(Stream stream, Span<byte> buffer) => ReadUpTo(stream, buffer) == buffer.Length;

    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
