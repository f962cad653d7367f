using NativeContrast.Data;
using NativeContrast.Nn;

namespace NativeContrast.Training;

/// <summary>
/// A trained encoder for applications: load it from a run folder (or a checkpoint file) and embed
/// images. Needs only the engine at run time. Embeddings are the encoder's representation (before the
/// projection head), L2-normalized.
/// <code>
/// using var model = EncoderModel.Load("runs/simclr-20261128-003400", Device.Cpu);
/// float[] v = model.Embed(images)[0];   // images: [N, C, H, W] in [0, 1]
/// </code>
/// </summary>
public sealed class EncoderModel : IDisposable
{
    private readonly Module encoder;

    private EncoderModel(Module encoder, TrainingConfig config, Device device, int channels, int size)
    {
        this.encoder = encoder;
        Config = config;
        Device = device;
        Channels = channels;
        ImageSize = size;
    }

    /// <summary>The settings the encoder was trained with.</summary>
    public TrainingConfig Config { get; }

    /// <summary>The device the encoder runs on.</summary>
    public Device Device { get; }

    /// <summary>Input channels and side the encoder was trained on.</summary>
    public int Channels { get; }

    /// <summary>Side of the (square) images the encoder was trained on.</summary>
    public int ImageSize { get; }

    /// <summary>Size of each embedding.</summary>
    public int Dimension => TrainingModels.Features(Config);

    /// <summary>Loads from a run folder or a <c>checkpoint.safetensors</c> path.</summary>
    public static EncoderModel Load(string runOrCheckpoint, Device? device = null)
    {
        device ??= Device.Cpu;
        var path = Directory.Exists(runOrCheckpoint) ? Path.Combine(runOrCheckpoint, Checkpoint.FileName) : runOrCheckpoint;
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at '{path}'.", path);
        var checkpoint = Checkpoint.Load(path, device);
        try
        {
            var weights = checkpoint.Section("encoder.");
            // The first convolution's weight [out, in, k, k] says how many channels the encoder takes.
            int channels = weights.TryGetValue("features.0.weight", out var first) ? first.Shape[1] : 1;
            var encoder = TrainingModels.Encoder(checkpoint.Config, channels, device);
            encoder.LoadStateDict(weights);
            encoder.Eval();
            int size = checkpoint.Config.ImageShape.Size;
            return new EncoderModel(encoder, checkpoint.Config, device, channels, size);
        }
        finally
        {
            foreach (var t in checkpoint.Tensors.Values) t.Dispose();
        }
    }

    /// <summary>Embeds a batch [N, C, H, W] (values in [0, 1]): one L2-normalized vector per image.</summary>
    public float[][] Embed(Tensor images)
    {
        if (images.Rank != 4 || images.Shape[1] != Channels)
            throw new ArgumentException($"The encoder takes images [N, {Channels}, H, W]; got {Shapes.Format(images.ShapeArray)}.", nameof(images));
        using var noGrad = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        var z = encoder.Forward(images.To(Device)).L2NormalizeRows().ToFloatArray();
        int n = images.Shape[0], d = z.Length / Math.Max(1, n);
        return Enumerable.Range(0, n).Select(i => z.AsSpan(i * d, d).ToArray()).ToArray();
    }

    /// <summary>Embeds a whole dataset: [N·D] row-major.</summary>
    public float[] Embed(ImageDataset data)
    {
        if (data.Channels != Channels) throw new ArgumentException($"The encoder takes {Channels}-channel images; the dataset has {data.Channels}.", nameof(data));
        return Evaluation.Embeddings.Compute(encoder, data, Device, out _);
    }

    /// <summary>Embeds one image file (PNG, JPEG, BMP, GIF), resized and cropped as training's folder images were: one L2-normalized vector.</summary>
    /// <exception cref="InvalidDataException">The file is too big, corrupt or not an image.</exception>
    public float[] Embed(string path) => Embed(Data.ImageFolder.LoadFile(path, ImageSize, Channels));

    /// <summary>Embeds an image read from a stream (PNG, JPEG, BMP, GIF), as <see cref="Embed(string)"/> does a file.</summary>
    /// <exception cref="InvalidDataException">The stream is too long, corrupt or not an image.</exception>
    public float[] Embed(Stream image) => Embed(Data.ImageFolder.LoadStream(image, ImageSize, Channels));

    /// <summary>Embeds image files in order: [count·D] row-major.</summary>
    public float[] Embed(IEnumerable<string> paths)
    {
        var rows = paths.Select(Embed).ToList();
        return rows.SelectMany(r => r).ToArray();
    }

    /// <summary>
    /// Writes the encoder as an ONNX model (opset 17): input <c>images</c> [N, <see cref="Channels"/>, <see cref="ImageSize"/>,
    /// <see cref="ImageSize"/>] float32 in [0, 1], output <c>embeddings</c> [N, <see cref="Dimension"/>] — what
    /// <see cref="Embed(Tensor)"/> returns when <paramref name="normalize"/> is true. The training settings go into the
    /// model's metadata. See <see cref="Onnx.OnnxExporter"/>.
    /// </summary>
    /// <param name="path">The .onnx file to write (atomically).</param>
    /// <param name="normalize">L2-normalize the embeddings inside the model (default, as <see cref="Embed(Tensor)"/>).</param>
    public void ExportOnnx(string path, bool normalize = true)
    {
        var metadata = new Dictionary<string, string>
        {
            ["nativecontrast.method"] = Names.Of(Config.Method),
            ["nativecontrast.encoder"] = Names.Of(Config.Encoder),
            ["nativecontrast.seed"] = Config.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["nativecontrast.epochs"] = Config.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Onnx.OnnxExporter.Save(encoder, path, Channels, ImageSize, ImageSize, Dimension, normalize, metadata);
    }

    /// <inheritdoc/>
    public void Dispose() => encoder.Dispose();
}
