using System.Runtime.InteropServices;

namespace NativeContrast.Onnx;

/// <summary>
/// Builds one ONNX model (IR version 8, the default opset 17): float32 weights as initializers, nodes in topological
/// order (the order they are added), one float32 input and one output whose first dimension is the symbolic batch
/// size <c>N</c>. Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
/// TensorProto, ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto).
/// </summary>
internal sealed class OnnxGraph
{
    public const long IrVersion = 8;
    public const long Opset = 17;
    private const int FloatType = 1, Int64Type = 7;
    private const int AttributeFloat = 1, AttributeInt = 2, AttributeInts = 7;

    private readonly List<Action<ProtoWriter>> nodes = new();
    private readonly List<Action<ProtoWriter>> initializers = new();
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private int counter;

    /// <summary>A fresh value name starting with <paramref name="hint"/>.</summary>
    public string Name(string hint)
    {
        string name = hint;
        while (!names.Add(name)) name = $"{hint}_{++counter}";
        return name;
    }

    /// <summary>A float32 constant (weights, statistics) named after <paramref name="hint"/>; returns its value name.</summary>
    public string Initializer(string hint, ReadOnlySpan<float> values, params long[] dims)
    {
        if (values.Length != dims.Aggregate(1L, (a, b) => a * b))
            throw new ArgumentException($"ONNX initializer '{hint}': {values.Length} values for dimensions [{string.Join(", ", dims)}].", nameof(values));
        string name = Name(hint);
        byte[] raw = MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian.");
        initializers.Add(w => WriteTensor(w, name, FloatType, dims, raw));
        return name;
    }

    /// <summary>An int64 constant (shapes, axes); returns its value name.</summary>
    public string Int64Initializer(string hint, params long[] values)
    {
        string name = Name(hint);
        byte[] raw = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        initializers.Add(w => WriteTensor(w, name, Int64Type, [values.Length], raw));
        return name;
    }

    /// <summary>Adds a node of <paramref name="op"/> and returns the name of its (single) output.</summary>
    public string Node(string op, string[] inputs, string outputHint, params OnnxAttribute[] attributes)
    {
        string output = Name(outputHint);
        string nodeName = Name(op + "_node");
        nodes.Add(w =>
        {
            foreach (var input in inputs) w.String(1, input);
            w.String(2, output);
            w.String(3, nodeName);
            w.String(4, op);
            foreach (var a in attributes) w.Message(5, attribute => WriteAttribute(attribute, a));
        });
        return output;
    }

    /// <summary>The model: graph <paramref name="graphName"/> from input <paramref name="input"/> (shape <paramref name="inputShape"/>,
    /// its first entry the batch) to <paramref name="output"/>, renamed to <paramref name="outputName"/> by an Identity node.</summary>
    public byte[] Model(string graphName, string input, long[] inputShape, string output, string outputName, long[] outputShape,
        IReadOnlyDictionary<string, string> metadata, string producerVersion)
    {
        var model = new ProtoWriter();
        model.Int64(1, IrVersion);
        model.String(2, "NativeContrast");
        model.String(3, producerVersion);
        model.Message(7, graph =>
        {
            foreach (var node in nodes) graph.Message(1, node);
            graph.Message(1, node =>
            {
                node.String(1, output);
                node.String(2, outputName);
                node.String(3, "output_identity");
                node.String(4, "Identity");
            });
            graph.String(2, graphName);
            foreach (var init in initializers) graph.Message(5, init);
            graph.Message(11, v => WriteValueInfo(v, input, inputShape));
            graph.Message(12, v => WriteValueInfo(v, outputName, outputShape));
        });
        model.Message(8, opset =>
        {
            opset.String(1, "");
            opset.Int64(2, Opset);
        });
        foreach (var (key, value) in metadata)
            model.Message(14, entry =>
            {
                entry.String(1, key);
                entry.String(2, value);
            });
        return model.ToArray();
    }

    private static void WriteTensor(ProtoWriter w, string name, int dataType, long[] dims, byte[] raw)
    {
        foreach (var d in dims) w.Int64(1, d);
        w.Int64(2, dataType);
        w.String(8, name);
        w.Bytes(9, raw);
    }

    private static void WriteAttribute(ProtoWriter w, OnnxAttribute a)
    {
        w.String(1, a.Name);
        switch (a.Value)
        {
            case long i:
                w.Int64(20, AttributeInt);
                w.Int64(3, i);
                break;
            case float f:
                w.Int64(20, AttributeFloat);
                w.Float(2, f);
                break;
            case long[] ints:
                w.Int64(20, AttributeInts);
                foreach (var i in ints) w.Int64(8, i);
                break;
            default:
                throw new ArgumentException($"ONNX attribute '{a.Name}': unsupported value type {a.Value.GetType().Name}.", nameof(a));
        }
    }

    /// <summary>A float32 tensor value; a negative dimension is the symbolic batch size N.</summary>
    private static void WriteValueInfo(ProtoWriter w, string name, long[] shape)
    {
        w.String(1, name);
        w.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Int64(1, FloatType);
            tensor.Message(2, s =>
            {
                foreach (var d in shape)
                    s.Message(1, dim =>
                    {
                        if (d < 0) dim.String(2, "N");
                        else dim.Int64(1, d);
                    });
            });
        }));
    }
}
