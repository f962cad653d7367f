namespace NativeContrast.Onnx;

/// <summary>A node attribute: an int64, a float or a list of int64 (all an encoder's operators need).</summary>
internal readonly record struct OnnxAttribute(string Name, object Value)
{
    public static OnnxAttribute Int(string name, long value) => new(name, value);

    public static OnnxAttribute Float(string name, float value) => new(name, value);

    public static OnnxAttribute Ints(string name, params long[] values) => new(name, values);
}
