using NativeContrast.IO;
using NativeContrast.Nn;
using NativeContrast.Ops;

namespace NativeContrast.Onnx;

/// <summary>
/// Writes an encoder as an ONNX model (opset 17) for inference elsewhere (ONNX Runtime, ML.NET, browsers): input
/// <c>images</c> [N, C, H, W] float32 in [0, 1] (N dynamic), output <c>embeddings</c> [N, D], L2-normalized unless
/// asked otherwise. The model runs in evaluation mode: batch norm is a BatchNormalization node with the running
/// statistics, dropout is left out. Known modules: <see cref="SmallCnn"/>, <see cref="ResNet18"/>,
/// <see cref="Sequential"/>, <see cref="Conv2d"/>, <see cref="BatchNorm2d"/>, <see cref="BatchNorm1d"/>,
/// <see cref="Relu"/>, <see cref="MaxPool2d"/>, <see cref="AvgPool2d"/>, <see cref="GlobalAvgPool2d"/>, <see cref="GridAvgPool2d"/>,
/// <see cref="Flatten"/>, <see cref="Linear"/>, <see cref="Dropout"/>, <see cref="BasicBlock"/>; any other is refused
/// by name.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the models use.</summary>
    public const int Opset = (int)OnnxGraph.Opset;

    /// <summary>Writes <paramref name="encoder"/> (taking <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>
    /// images, giving <paramref name="features"/> values each) to <paramref name="path"/>, atomically.</summary>
    /// <param name="encoder">The encoder; its weights are read as they are now.</param>
    /// <param name="path">The .onnx file to write (replaced whole or not at all).</param>
    /// <param name="channels">Input channels.</param>
    /// <param name="height">Input height.</param>
    /// <param name="width">Input width.</param>
    /// <param name="features">Size of the encoder's output (the embedding's dimension).</param>
    /// <param name="normalize">Divide each embedding by its L2 norm (max(‖z‖, 1e-12)), as <c>EncoderModel.Embed</c> does.</param>
    /// <param name="metadata">Key/value pairs stored in the model (the training settings, for example).</param>
    /// <exception cref="NotSupportedException">The encoder holds a module the exporter does not know.</exception>
    public static void Save(Module encoder, string path, int channels, int height, int width, int features, bool normalize = true,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.WriteAllBytes(path, ToBytes(encoder, channels, height, width, features, normalize, metadata));

    /// <summary>The model <see cref="Save"/> writes, as bytes.</summary>
    /// <param name="encoder">The encoder; its weights are read as they are now.</param>
    /// <param name="channels">Input channels.</param>
    /// <param name="height">Input height.</param>
    /// <param name="width">Input width.</param>
    /// <param name="features">Size of the encoder's output.</param>
    /// <param name="normalize">L2-normalize each embedding.</param>
    /// <param name="metadata">Key/value pairs stored in the model.</param>
    public static byte[] ToBytes(Module encoder, int channels, int height, int width, int features, bool normalize = true,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (channels < 1 || height < 1 || width < 1 || features < 1)
            throw new ArgumentOutOfRangeException(nameof(channels), $"ONNX export needs positive sizes; got images {channels}×{height}×{width}, {features} features.");
        var graph = new OnnxGraph();
        string input = graph.Name("images");
        if (height != width) throw new ArgumentException($"ONNX export takes square images; got {height}×{width}.", nameof(height));
        int size = height;
        string output = Emit(graph, encoder, input, "encoder", ref size);
        if (normalize)
        {
            // z / max(‖z‖₂, ε): ReduceL2 over the features (kept as [N, 1]), clamped, then a broadcast division.
            string norm = graph.Node("ReduceL2", [output], "norm", OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 1));
            string epsilon = graph.Initializer("epsilon", [L2NormalizeOp.Epsilon]);
            string clamped = graph.Node("Max", [norm, epsilon], "norm_clamped");
            output = graph.Node("Div", [output, clamped], "normalized");
        }
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["nativecontrast.input"] = $"images [N, {channels}, {height}, {width}] float32 in [0, 1]",
            ["nativecontrast.normalized"] = normalize ? "true" : "false",
        };
        string version = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "0";
        return graph.Model("encoder", input, [-1, channels, height, width], output, "embeddings", [-1, features], meta, version);
    }

    /// <summary>
    /// Adds <paramref name="module"/>'s evaluation-mode forward pass on <paramref name="x"/> (a square map <paramref name="size"/>
    /// pixels a side, updated to the output's); returns its output's name.
    /// </summary>
    private static string Emit(OnnxGraph g, Module module, string x, string path, ref int size)
    {
        switch (module)
        {
            case SmallCnn cnn:
                return Emit(g, cnn.Features, x, path + ".features", ref size);
            case ResNet18 resnet:
                return Emit(g, resnet.Features, x, path + ".features", ref size);
            case Sequential sequential:
                for (int i = 0; i < sequential.Layers.Count; i++) x = Emit(g, sequential.Layers[i], x, $"{path}.{i}", ref size);
                return x;
            case BasicBlock block:
                return Block(g, block, x, path, ref size);
            case Conv2d conv:
                return Convolution(g, conv, x, path, ref size);
            case BatchNorm norm:
                return g.Node("BatchNormalization",
                    [x, Weights(g, norm.Weight, path + ".weight"), Weights(g, norm.Bias, path + ".bias"),
                     Weights(g, norm.RunningMean, path + ".running_mean"), Weights(g, norm.RunningVar, path + ".running_var")],
                    path, OnnxAttribute.Float("epsilon", (float)norm.Eps));
            case Relu:
                return g.Node("Relu", [x], path);
            case MaxPool2d pool:
                size = Pooled(size, pool.Kernel, pool.Stride, pool.Padding);
                return g.Node("MaxPool", [x], path, Window(pool.Kernel, pool.Stride, pool.Padding));
            case AvgPool2d pool:
                size = Pooled(size, pool.Kernel, pool.Stride, pool.Padding);
                return g.Node("AveragePool", [x], path, [.. Window(pool.Kernel, pool.Stride, pool.Padding), OnnxAttribute.Int("count_include_pad", 1)]);
            case GlobalAvgPool2d:
                size = 1;
                return g.Node("Flatten", [g.Node("GlobalAveragePool", [x], path + ".pooled")], path, OnnxAttribute.Int("axis", 1));
            case GridAvgPool2d grid:
            {
                // The same cells as the engine's: windows ⌈H/g⌉ wide, ⌊H/g⌋ apart, computed here from the map's size.
                var (kernel, stride) = grid.Window(size);
                size = 1;
                string pooled = grid.Grid == 1
                    ? g.Node("GlobalAveragePool", [x], path + ".pooled")
                    : g.Node("AveragePool", [x], path + ".pooled", Window(kernel, stride, 0));
                return g.Node("Flatten", [pooled], path, OnnxAttribute.Int("axis", 1));
            }
            case Flatten:
                size = 1;
                return g.Node("Flatten", [x], path, OnnxAttribute.Int("axis", 1));
            case Linear linear:
                return g.Node("Gemm",
                    linear.Bias is null
                        ? [x, Weights(g, linear.Weight, path + ".weight")]
                        : [x, Weights(g, linear.Weight, path + ".weight"), Weights(g, linear.Bias, path + ".bias")],
                    path, OnnxAttribute.Int("transB", 1));
            case Dropout:
                return x;
            default:
                throw new NotSupportedException($"ONNX export does not know the module {module.GetType().Name} (at {path}).");
        }
    }

    /// <summary>ReLU(BN(conv(ReLU(BN(conv(x))))) + shortcut(x)).</summary>
    private static string Block(OnnxGraph g, BasicBlock block, string x, string path, ref int size)
    {
        int input = size;
        string main = g.Node("Relu", [Emit(g, block.Bn1, Convolution(g, block.Conv1, x, path + ".conv1", ref size), path + ".bn1", ref size)], path + ".relu");
        main = Emit(g, block.Bn2, Convolution(g, block.Conv2, main, path + ".conv2", ref size), path + ".bn2", ref size);
        int shortcutSize = input;
        string shortcut = block.Shortcut is null ? x : Emit(g, block.Shortcut, x, path + ".shortcut", ref shortcutSize);
        return g.Node("Relu", [g.Node("Add", [main, shortcut], path + ".sum")], path + ".out");
    }

    private static string Convolution(OnnxGraph g, Conv2d conv, string x, string path, ref int size)
    {
        int kernel = conv.Weight.Shape[2];
        size = Pooled(size, kernel, conv.Stride, conv.Padding);
        string[] inputs = conv.Bias is null
            ? [x, Weights(g, conv.Weight, path + ".weight")]
            : [x, Weights(g, conv.Weight, path + ".weight"), Weights(g, conv.Bias, path + ".bias")];
        return g.Node("Conv", inputs, path, Window(kernel, conv.Stride, conv.Padding));
    }

    /// <summary>A window's output size: ⌊(size + 2·padding − kernel) / stride⌋ + 1.</summary>
    private static int Pooled(int size, int kernel, int stride, int padding) => (size + 2 * padding - kernel) / stride + 1;

    private static OnnxAttribute[] Window(int kernel, int stride, int padding) =>
    [
        OnnxAttribute.Ints("kernel_shape", kernel, kernel),
        OnnxAttribute.Ints("strides", stride, stride),
        OnnxAttribute.Ints("pads", padding, padding, padding, padding),
    ];

    private static string Weights(OnnxGraph g, Tensor t, string name) =>
        g.Initializer(name, t.ToFloatArray(), t.Shape.ToArray().Select(d => (long)d).ToArray());
}
