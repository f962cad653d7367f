using System.Buffers.Binary;
using System.Text;

namespace NativeContrast.Onnx;

/// <summary>
/// The little of the protocol-buffers wire format an ONNX model needs (varints, 32-bit floats, length-delimited bytes,
/// strings and nested messages), written by hand so that the engine takes no protobuf dependency. A field is a key
/// (field number · 8 + wire type) followed by its value; wire type 0 is a varint, 2 a length and that many bytes, 5 four
/// little-endian bytes.
/// </summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0, LengthDelimited = 2, Fixed32 = 5;

    private readonly MemoryStream buffer = new();

    public void Int64(int field, long value)
    {
        Key(field, Varint);
        WriteVarint((ulong)value);
    }

    public void Float(int field, float value)
    {
        Key(field, Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        buffer.Write(bytes);
    }

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Key(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        buffer.Write(value);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A nested message, written by <paramref name="write"/> into its own buffer so that its length can lead it.</summary>
    public void Message(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        Bytes(field, inner.ToArray());
    }

    public byte[] ToArray() => buffer.ToArray();

    private void Key(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        buffer.WriteByte((byte)value);
    }
}
