using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace NativeContrast.IO;

/// <summary>
/// The safetensors format (readable by PyTorch's <c>safetensors</c> package): an 8-byte little-endian
/// header length, a JSON header mapping each name to its dtype, shape and byte range, an optional
/// <c>__metadata__</c> map of strings, then the raw little-endian data. Writing goes to a temporary file
/// renamed over the target, so a crash never leaves a half-written checkpoint. Reading checks the
/// header length, the JSON, every dtype, shape and range against the file, and says what is wrong and
/// where in an <see cref="InvalidDataException"/>. F16 and BF16 tensors are read as float32, I64 as int32 (checked).
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100L << 20;

    /// <summary>Writes the tensors (float32, float64, int32; any device) and string metadata.</summary>
    /// <param name="path">The file (replaced atomically).</param>
    /// <param name="tensors">Tensors by name.</param>
    /// <param name="metadata">String pairs stored in the header's <c>__metadata__</c>.</param>
    /// <param name="integersAsInt64">Write int32 tensors as I64, the integer type PyTorch's buffers (<c>num_batches_tracked</c>) have.</param>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null,
        bool integersAsInt64 = false)
    {
        var header = new Dictionary<string, object>();
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            byte[] bytes = tensor.DType switch
            {
                DType.Float32 => ToBytes<float>(tensor.ToFloatArray()),
                DType.Float64 => ToBytes<double>(tensor.ToDoubleArray()),
                _ when integersAsInt64 => ToBytes<long>(Array.ConvertAll(tensor.ToIntArray(), v => (long)v)),
                _ => ToBytes<int>(tensor.ToIntArray()),
            };
            string dtype = tensor.DType switch { DType.Float32 => "F32", DType.Float64 => "F64", _ => integersAsInt64 ? "I64" : "I32" };
            header[name] = new Dictionary<string, object> { ["dtype"] = dtype, ["shape"] = tensor.Shape.ToArray(), ["data_offsets"] = new[] { offset, offset + bytes.Length } };
            blobs.Add(bytes);
            offset += bytes.Length;
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(header);
        // Pad the header with spaces to a multiple of 8 bytes, as the reference implementation does.
        int padded = (json.Length + 7) / 8 * 8;
        using var file = AtomicFile.Create(path);
        var stream = file.Stream;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(json);
        for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var blob in blobs) stream.Write(blob);
        file.Commit();
    }

    /// <summary>Reads every tensor (onto <paramref name="device"/>) and the metadata.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(string path, Device? device = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot read checkpoint '{path}': {e.Message}", e);
        }
        if (bytes.Length < 8) throw new InvalidDataException($"'{path}' is not a safetensors file: {bytes.Length} bytes, shorter than its 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > bytes.Length - 8)
            throw new InvalidDataException($"'{path}' is not a valid safetensors file: header length {headerLength} does not fit its {bytes.Length} bytes (truncated or not a checkpoint).");
        var dataStart = 8 + (int)headerLength;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}': the safetensors header is not valid JSON ({e.Message}).", e);
        }
        using (doc)
        {
            var tensors = new Dictionary<string, Tensor>();
            var metadata = new Dictionary<string, string>();
            try
            {
                foreach (var entry in doc.RootElement.EnumerateObject())
                {
                    if (entry.Name == "__metadata__")
                    {
                        foreach (var m in entry.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                        continue;
                    }
                    var dtype = entry.Value.GetProperty("dtype").GetString();
                    var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
                    var range = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                    int size = dtype switch
                    {
                        "F16" or "BF16" => 2,
                        "F32" or "I32" => 4,
                        "F64" or "I64" => 8,
                        _ => throw new InvalidDataException($"'{path}': tensor '{entry.Name}' has dtype {dtype}; supported are F16, BF16, F32, F64, I32, I64."),
                    };
                    long count = shape.Aggregate(1L, (p, d) => d < 0 ? throw new InvalidDataException($"'{path}': tensor '{entry.Name}' has a negative dimension.") : checked(p * d));
                    if (range.Length != 2 || range[0] < 0 || range[1] < range[0] || dataStart + range[1] > bytes.Length || range[1] - range[0] != checked(count * size))
                        throw new InvalidDataException($"'{path}': tensor '{entry.Name}' ({dtype} [{string.Join(", ", shape)}]) claims bytes [{string.Join(", ", range)}] of a {bytes.Length - dataStart}-byte data section (truncated or corrupt).");
                    var span = bytes.AsSpan(dataStart + (int)range[0], (int)(range[1] - range[0]));
                    tensors[entry.Name] = dtype switch
                    {
                        // Half precision is widened to float32 exactly (every F16 and BF16 value is a float32 value).
                        "F16" => Tensor.Unscoped<float>(Array.ConvertAll(FromBytes<Half>(span), v => (float)v), shape, device ?? Device.Cpu, DType.Float32),
                        "BF16" => Tensor.Unscoped<float>(Array.ConvertAll(FromBytes<ushort>(span), v => BitConverter.Int32BitsToSingle(v << 16)), shape, device ?? Device.Cpu, DType.Float32),
                        "F32" => Tensor.Unscoped<float>(FromBytes<float>(span), shape, device ?? Device.Cpu, DType.Float32),
                        "F64" => Tensor.Unscoped<double>(FromBytes<double>(span), shape, device ?? Device.Cpu, DType.Float64),
                        "I32" => Tensor.Unscoped<int>(FromBytes<int>(span), shape, device ?? Device.Cpu, DType.Int32),
                        _ => Tensor.Unscoped<int>(FromBytes<long>(span).Select(v => checked((int)v)).ToArray(), shape, device ?? Device.Cpu, DType.Int32),
                    };
                }
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
            {
                foreach (var t in tensors.Values) t.Dispose();
                throw new InvalidDataException($"'{path}': malformed safetensors header ({e.Message}).", e);
            }
            catch
            {
                foreach (var t in tensors.Values) t.Dispose();
                throw;
            }
            return (tensors, metadata);
        }
    }

    private static byte[] ToBytes<T>(T[] values) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors writing assumes a little-endian machine.");
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

    private static T[] FromBytes<T>(ReadOnlySpan<byte> bytes) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes).ToArray();
}
