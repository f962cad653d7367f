using System.Text.Json;
using NativeContrast.Tests.Data;

namespace NativeContrast.Tests.Cli;

/// <summary>The train and eval commands end to end on a small fake Fashion-MNIST: the run folder's files and the printed summary.</summary>
[NonParallelizable]
public class TrainCommandTests
{
    [Test]
    public void TrainThenEval_WriteTheRunFolder_AndPrintASummary()
    {
        var data = IdxFiles.FakeFashionMnist(96);
        var run = Path.Combine(data, "run");
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int code = NativeContrast.Cli.CommandLine.Run(["train", "--data", data, "--epochs", "1", "--batch-size", "32", "--device", "cpu", "--out", run], output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString() + output);
            foreach (var file in new[] { "config.json", "checkpoint.safetensors", "log.csv", "metrics.json", "loss.png", "embeddings.png" })
                Assert.That(File.Exists(Path.Combine(run, file)), Is.True, file);
            Assert.That(output.ToString(), Does.Contain("test accuracy: kNN (k=20)").And.Contain("linear probe"));
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
            Assert.That(metrics.RootElement.GetProperty("linear_probe").GetDouble(), Is.InRange(0.0, 1.0));

            output = new StringWriter();
            code = NativeContrast.Cli.CommandLine.Run(["eval", "--run", run, "--device", "cpu"], output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString());
            Assert.That(output.ToString(), Does.Contain("MAP@R"));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    [Test]
    public void ResumeOfAFolderWithoutARun_SaysSo()
    {
        var error = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["train", "--resume", "/nonexistent/run"], new StringWriter(), error);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain("not a run folder"));
    }
}
