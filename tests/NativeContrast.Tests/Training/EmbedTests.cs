using NativeContrast.IO;
using NativeContrast.Tests.Data;
using NativeContrast.Training;

namespace NativeContrast.Tests.Training;

public class EmbedTests
{
    [Test]
    public void EncoderModel_LoadsARun_AndEmbedCommandWritesNpy()
    {
        var folder = Directory.CreateTempSubdirectory("nc-embed-").FullName;
        try
        {
            var config = new TrainingConfig { BatchSize = 16, Epochs = 1, Device = "cpu", Subset = 32 };
            using (var trainer = new Trainer(config, Device.Cpu, SyntheticImages.Create(32, 1)))
            {
                Trainer.WriteConfig(folder, config);
                trainer.SaveCheckpoint(folder, 1, 0);
            }
            using var model = EncoderModel.Load(folder);
            Assert.That((model.Channels, model.Dimension), Is.EqualTo((1, 512)), "the small CNN pools to a 2×2 grid by default");
            using var scope = TensorScope.Begin();
            var vectors = model.Embed(Tensor.RandomUniform([3, 1, 28, 28], 2));
            Assert.That(vectors.Select(v => v.Length), Is.All.EqualTo(512));
            Assert.That(vectors.Select(v => v.Sum(x => x * x)), Is.All.EqualTo(1f).Within(1e-4), "unit length");

            var idx = IdxFiles.Write(folder, "images-idx3-ubyte", IdxFiles.Bytes([5, 28, 28], new byte[5 * 784]), gzip: true);
            var output = new StringWriter();
            var error = new StringWriter();
            var npy = Path.Combine(folder, "emb.npy");
            int code = NativeContrast.Cli.CommandLine.Run(["embed", "--run", folder, "--input", idx, "--out", npy], output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString());
            var array = NpyFile.Read(npy);
            Assert.That(array.Shape, Is.EqualTo(new[] { 5, 512 }));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Test]
    public void MissingRun_IsAOneLineError()
    {
        var error = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["embed", "--run", "/nonexistent/run", "--input", "x", "--out", "/tmp/x.npy"], new StringWriter(), error);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.ToString().Trim(), Does.StartWith("error: No checkpoint at").And.Not.Contain("\n"));
    }
}
