using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NativeContrast.Nn;
using NativeContrast.Onnx;
using NativeContrast.Tests.Training;
using NativeContrast.Training;

namespace NativeContrast.Tests.Onnx;

/// <summary>
/// Exported encoders run in ONNX Runtime (CPU) and give what the engine gives on the same images, within 1e-4. Batch-norm
/// parameters and running statistics are set away from their initial 1/0 so that a wrong statistic, scale or ε shows.
/// </summary>
public class OnnxExportTests
{
    private const double Tolerance = 1e-4;

    [TestCase("small-cnn", 1, 28, 4)]
    [TestCase("resnet18", 3, 32, 7)]
    public void Encoder_InOnnxRuntime_MatchesTheEngine_On64Images(string kind, int channels, int size, int seed)
    {
        using Module encoder = kind == "resnet18" ? new ResNet18(channels, seed: seed) : new SmallCnn(channels, seed: seed);
        Randomize(encoder, seed + 1);
        int features = encoder is ResNet18 resnet ? resnet.OutputFeatures : ((SmallCnn)encoder).OutputFeatures;
        var images = Images(64, channels, size, size, seed: seed + 2);
        var (onnx, engine) = Compare(encoder, images, channels, size, size, features, normalize: true);
        Assert.That(MaxAbsDifference(onnx, engine), Is.LessThanOrEqualTo(Tolerance));
        Assert.That(RowNorm(onnx, features, 0), Is.EqualTo(1).Within(1e-5), "L2-normalized");
    }

    [TestCase(28)]
    [TestCase(24)]
    public void SmallCnnWithAPoolingGrid_InOnnxRuntime_MatchesTheEngine(int size)
    {
        // 28: a 4×4 map, cells 2 apart; 24: a 3×3 map, overlapping cells 2 wide and 1 apart.
        using var encoder = new SmallCnn(1, seed: 20, poolingGrid: 2);
        Randomize(encoder, 21);
        var images = Images(16, 1, size, size, seed: 22);
        var (onnx, engine) = Compare(encoder, images, 1, size, size, encoder.OutputFeatures, normalize: true);
        Assert.That(MaxAbsDifference(onnx, engine), Is.LessThanOrEqualTo(Tolerance));
    }

    [Test]
    public void WithoutNormalize_TheRawRepresentationComesOut()
    {
        using var encoder = new SmallCnn(1, seed: 10);
        Randomize(encoder, 11);
        var images = Images(8, 1, 28, 28, seed: 12);
        var (onnx, engine) = Compare(encoder, images, 1, 28, 28, 128, normalize: false);
        Assert.That(MaxAbsDifference(onnx, engine), Is.LessThanOrEqualTo(Tolerance * Math.Max(1, engine.Max(Math.Abs))));
        Assert.That(RowNorm(onnx, 128, 0), Is.Not.EqualTo(1).Within(1e-3), "not normalized");
    }

    [Test]
    public void GenericLayers_PoolingLinearBatchNorm1dDropout_MatchTheEngine()
    {
        using var encoder = new Sequential(
            new Conv2d(3, 8, 3, 2, 1, bias: true, seed: 13),
            new BatchNorm2d(8),
            new Relu(),
            new MaxPool2d(3, 2, 1),
            new AvgPool2d(2, 1, 1),
            new Flatten(),
            new Linear(8 * 5 * 5, 16, seed: 14),
            new BatchNorm1d(16),
            new Dropout(0.5),
            new Relu(),
            new Linear(16, 12, bias: false, seed: 15));
        Randomize(encoder, 16);
        var images = Images(10, 3, 16, 16, seed: 17);
        var (onnx, engine) = Compare(encoder, images, 3, 16, 16, 12, normalize: true);
        Assert.That(MaxAbsDifference(onnx, engine), Is.LessThanOrEqualTo(Tolerance));
    }

    [Test]
    public void TheBatchDimensionIsDynamic()
    {
        using var encoder = new SmallCnn(1, seed: 18);
        encoder.Eval();
        using var session = new InferenceSession(OnnxExporter.ToBytes(encoder, 1, 28, 28, 128));
        var input = session.InputMetadata["images"];
        Assert.That(input.Dimensions, Is.EqualTo(new[] { -1, 1, 28, 28 }));
        Assert.That(session.OutputMetadata["embeddings"].Dimensions, Is.EqualTo(new[] { -1, 128 }));
        foreach (int n in new[] { 1, 5 })
            Assert.That(Run(session, Images(n, 1, 28, 28, seed: n), 1, 28, 28), Has.Length.EqualTo(n * 128));
    }

    [Test]
    public void AnUnknownModule_IsRefusedByName()
    {
        using var encoder = new Sequential(new Flatten(), new Gelu());
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(encoder, 1, 4, 4, 16));
        Assert.That(e!.Message, Does.Contain("Gelu").And.Contain("encoder.1"));
    }

    [Test]
    public void ARunsEncoder_ExportCommand_MatchesEncoderModelEmbed_AndKeepsAnExistingFile()
    {
        var folder = Directory.CreateTempSubdirectory("nc-onnx-").FullName;
        try
        {
            var config = new TrainingConfig { BatchSize = 16, Epochs = 1, Device = "cpu", Seed = 2 };
            using (var trainer = new Trainer(config, Device.Cpu, SyntheticImages.Create(64, 3)))
                Assert.That(trainer.Train(folder, TextWriter.Null), Is.True);
            var path = Path.Combine(folder, "encoder.onnx");
            var output = new StringWriter();
            var error = new StringWriter();
            int code = NativeContrast.Cli.CommandLine.Run(["export", "--run", folder, "--out", path], output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString());
            Assert.That(output.ToString(), Does.Contain("output embeddings [N, 512]"), "the default small CNN pools to a 2×2 grid");

            using var model = EncoderModel.Load(folder);
            var images = Images(64, 1, 28, 28, seed: 19);
            using var scope = TensorScope.Begin();
            var expected = model.Embed(Tensor.FromArray(images, [64, 1, 28, 28])).SelectMany(v => v).ToArray();
            using (var session = new InferenceSession(path))
            {
                Assert.That(MaxAbsDifference(Run(session, images, 1, 28, 28), expected), Is.LessThanOrEqualTo(Tolerance));
                Assert.That(session.ModelMetadata.CustomMetadataMap["nativecontrast.method"], Is.EqualTo("simclr"));
                Assert.That(session.ModelMetadata.ProducerName, Is.EqualTo("NativeContrast"));
            }

            var before = File.ReadAllBytes(path);
            error = new StringWriter();
            code = NativeContrast.Cli.CommandLine.Run(["export", "--run", folder, "--out", path, "--normalize", "false"], new StringWriter(), error);
            Assert.That(code, Is.EqualTo(2));
            Assert.That(error.ToString().Trim(), Does.Contain("exists; give --overwrite").And.Not.Contain("\n"));
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(before), "the existing file is untouched");
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    private static (float[] Onnx, float[] Engine) Compare(Module encoder, float[] images, int c, int h, int w, int features, bool normalize)
    {
        encoder.Eval();
        float[] engine;
        using (var scope = TensorScope.Begin())
        using (var noGrad = GradMode.NoGrad())
        {
            var z = encoder.Forward(Tensor.FromArray(images, [images.Length / (c * h * w), c, h, w]));
            engine = (normalize ? z.L2NormalizeRows() : z).ToFloatArray();
        }
        using var session = new InferenceSession(OnnxExporter.ToBytes(encoder, c, h, w, features, normalize));
        return (Run(session, images, c, h, w), engine);
    }

    private static float[] Run(InferenceSession session, float[] images, int c, int h, int w)
    {
        var input = new DenseTensor<float>(images, [images.Length / (c * h * w), c, h, w]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("images", input)]);
        return results.Single(r => r.Name == "embeddings").AsTensor<float>().ToArray();
    }

    /// <summary>Batch-norm scales in [0.5, 1.5], shifts and running means in ±0.3, running variances in [0.5, 2].</summary>
    private static void Randomize(Module module, int seed)
    {
        var rng = new Random(seed);
        using var noGrad = GradMode.NoGrad();
        foreach (var norm in module.Modules().OfType<BatchNorm>())
        {
            Fill(norm.Weight, () => 0.5 + rng.NextDouble());
            Fill(norm.Bias, () => 0.6 * rng.NextDouble() - 0.3);
            Fill(norm.RunningMean, () => 0.6 * rng.NextDouble() - 0.3);
            Fill(norm.RunningVar, () => 0.5 + 1.5 * rng.NextDouble());
        }
    }

    private static void Fill(Tensor t, Func<double> next)
    {
        using var scope = TensorScope.Begin();
        t.CopyFrom(Tensor.FromArray(Enumerable.Range(0, t.Count).Select(_ => (float)next()).ToArray(), t.Shape.ToArray()));
    }

    private static float[] Images(int n, int c, int h, int w, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n * c * h * w).Select(_ => (float)rng.NextDouble()).ToArray();
    }

    private static double MaxAbsDifference(float[] a, float[] b)
    {
        Assert.That(a, Has.Length.EqualTo(b.Length));
        return a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
    }

    private static double RowNorm(float[] rows, int d, int row) => Math.Sqrt(rows.AsSpan(row * d, d).ToArray().Sum(v => (double)v * v));
}
