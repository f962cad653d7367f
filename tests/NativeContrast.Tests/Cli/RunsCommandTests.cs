using NativeContrast.Tests.Support;
using System.Text.Json;
using NativeContrast.Tests.Data;
using SixLabors.ImageSharp;

namespace NativeContrast.Tests.Cli;

/// <summary><c>runs</c> and <c>runs compare</c> on two tiny runs trained here, and on folders that hold none.</summary>
[NonParallelizable]
public class RunsCommandTests
{
    [Test]
    public void ListsTheRuns_ComparesThem_AndDrawsTheirLossCurves()
    {
        var data = IdxFiles.FakeFashionMnist(64);
        var runs = Path.Combine(data, "runs");
        try
        {
            Assert.That(CliRun.Run("train", "--data", data, "--epochs", "1", "--batch-size", "32", "--device", "cpu", "--no-eval", "--out", Path.Combine(runs, "a")).Code, Is.EqualTo(0));
            Assert.That(CliRun.Run("train", "--data", data, "--epochs", "1", "--batch-size", "32", "--device", "cpu", "--no-eval", "--loss", "dcl", "--temperature", "0.2",
                "--out", Path.Combine(runs, "nested", "b")).Code, Is.EqualTo(0));
            Directory.CreateDirectory(Path.Combine(runs, "not-a-run"));

            var (code, output, error) = CliRun.Run("runs", runs);
            Assert.That(code, Is.EqualTo(0), error);
            var lines = output.TrimEnd().Split('\n');
            Assert.That(lines, Has.Length.EqualTo(3), output);
            Assert.That(lines[0], Does.StartWith("run").And.Contain("objective").And.Contain("kNN@20").And.Contain("state"));
            Assert.That(lines[1], Does.StartWith("a ").And.Contain("simclr").And.Contain("1/1").And.Contain("finished"));
            Assert.That(lines[2], Does.StartWith(Path.Combine("nested", "b")).And.Contain("simclr (dcl)").And.Contain("0.2"));
            Assert.That(lines[2].IndexOf("small-cnn", StringComparison.Ordinal), Is.EqualTo(lines[1].IndexOf("small-cnn", StringComparison.Ordinal)), "aligned columns");

            (code, output, _) = CliRun.Run("runs", runs, "--json");
            var first = JsonDocument.Parse(output.Split('\n')[0]).RootElement;
            Assert.That((first.GetProperty("run").GetString(), first.GetProperty("epochs_logged").GetInt32(), first.GetProperty("state").GetString()), Is.EqualTo(("a", 1, "finished")));

            var png = Path.Combine(data, "compare.png");
            (code, output, error) = CliRun.Run("runs", "compare", Path.Combine(runs, "a"), Path.Combine(runs, "nested", "b"), "--out", png);
            Assert.That(code, Is.EqualTo(0), error);
            Assert.That(output, Does.Contain("Loss").And.Contain("ntxent").And.Contain("dcl").And.Contain("Temperature"));
            Assert.That(output, Does.Not.Contain("BatchSize"), "only the settings that differ");
            using (var image = Image.Load(png)) Assert.That(image.Width, Is.GreaterThan(100));
            (code, _, error) = CliRun.Run("runs", "compare", Path.Combine(runs, "a"), Path.Combine(runs, "nested", "b"), "--out", png);
            Assert.That((code, error), Is.EqualTo((2, $"error: --out '{png}' exists; name another file.")));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    [Test]
    public void NoFolder_NoRuns_NotARun_SayWhatIsWrong()
    {
        var empty = Directory.CreateTempSubdirectory("nc-runs-").FullName;
        try
        {
            Assert.That(CliRun.Run("runs", Path.Combine(empty, "missing")), Is.EqualTo((2, "", $"error: '{Path.Combine(empty, "missing")}' is not a folder; name the folder that holds your runs (default: runs).")));
            Assert.That(CliRun.Run("runs", empty).Output, Does.StartWith($"no runs under {empty}"));
            var (code, _, error) = CliRun.Run("runs", "compare", empty, empty);
            Assert.That((code, error), Is.EqualTo((2, $"error: '{empty}' is not a run folder: it has no config.json.")));
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }
}
