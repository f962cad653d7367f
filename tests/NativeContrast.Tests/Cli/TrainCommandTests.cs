using NativeContrast.Evaluation;
using System.Diagnostics;
using System.Text.Json;
using NativeContrast.Tests.Data;
using NativeContrast.Training;

namespace NativeContrast.Tests.Cli;

/// <summary>The train and eval commands end to end on a small fake Fashion-MNIST: the run folder's files and the printed summary.</summary>
[NonParallelizable]
public class TrainCommandTests
{
    [Test]
    public void ClosingLine_PrintsTheEvaluationsOwnValues_NotMetricsJsonsRoundedOnes()
    {
        // MAP@R 0.392153: 39.22 % from the value itself; 39.21 % through metrics.json's 5 digits (0.39215), as train once printed.
        var report = new NativeContrast.Evaluation.EvaluationReport(0.8687, 0.8373, 0.8978, 0.8293, 0.5107, 0.392153, 1.0);
        Assert.That(NativeContrast.Cli.EvalCommand.TrainSummary(report),
            Is.EqualTo("test accuracy: kNN (k=20) 86.87 %, kNN (k=200) 83.73 %, linear probe 89.78 %; retrieval MAP@R 39.22 %"));
    }

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
            foreach (var file in new[] { "config.json", "checkpoint.safetensors", "log.csv", "metrics.json", "loss.png", "negatives.png", "embeddings.png", "neighbours.png" })
                Assert.That(File.Exists(Path.Combine(run, file)), Is.True, file);
            using (var neighbours = SixLabors.ImageSharp.Image.Load(Path.Combine(run, "neighbours.png")))
                Assert.That((neighbours.Width, neighbours.Height), Is.EqualTo((8 + 9 * (96 + 8) + 8, 22 + 8 + 8 * (96 + 34 + 8))), "8 held-out images, each with 8 neighbours");
            Assert.That(output.ToString(), Does.Contain("test accuracy: kNN (k=20)").And.Contain("linear probe"));
            Assert.That(output.ToString(), Does.Match(@": 1 epoch × \d+ steps of 32 images").And.Match(@"on cpu, 1 epoch, \d+\.\d min in all"), "one epoch, not \"1 epochs\"");
            Assert.That(Trainer.ReadConfig(run).CropMinScale, Is.EqualTo(0.4), "config.json records the default crop the run took");
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
            Assert.That(metrics.RootElement.GetProperty("linear_probe").GetDouble(), Is.InRange(0.0, 1.0));
            Assert.That(metrics.RootElement.GetProperty("linear_probe_penalty").GetDouble(), Is.AnyOf(LinearProbe.Penalties.Append(LinearProbe.DefaultPenalty).Cast<object>().ToArray()),
                "the probe's penalty, chosen on held-out rows");
            Assert.That(output.ToString(), Does.Match(@"linear probe: \d+\.\d\d % \(L2 penalty [0-9.E-]+"));
            Assert.That(metrics.RootElement.GetProperty("uniformity").GetDouble(), Is.LessThan(0.0));
            Assert.That(metrics.RootElement.GetProperty("alignment").GetDouble(), Is.InRange(0.0, 4.0));
            Assert.That(output.ToString(), Does.Contain("geometry: uniformity"));
            Assert.That(metrics.RootElement.GetProperty("raw_pixels_knn_top20").GetDouble(), Is.InRange(0.0, 1.0));
            Assert.That(metrics.RootElement.GetProperty("raw_pixels_linear_probe").GetDouble(), Is.InRange(0.0, 1.0));
            Assert.That(output.ToString(), Does.Match(@"against raw pixels: kNN \(k=20\) \d+\.\d\d % → encoder [+−]?\d+\.\d\d points, linear probe"));

            output = new StringWriter();
            code = NativeContrast.Cli.CommandLine.Run(["eval", "--run", run, "--device", "cpu"], output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString());
            Assert.That(output.ToString(), Does.Contain("MAP@R"));
            using var reevaluated = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
            Assert.That(reevaluated.RootElement.TryGetProperty("train_seconds", out _), Is.True, "eval keeps what training wrote into metrics.json");
            Assert.That(reevaluated.RootElement.GetProperty("knn_top20").GetDouble(), Is.InRange(0.0, 1.0));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    [TestCase("hcl", "simclr (hcl, τ⁺ 0.2, β 0.5)")]
    [TestCase("dcl", "simclr (dcl)")]
    public void TrainWithALossForNegatives_RecordsItInConfigAndMetrics(string loss, string objective)
    {
        var data = IdxFiles.FakeFashionMnist(64);
        var run = Path.Combine(data, "run");
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int code = NativeContrast.Cli.CommandLine.Run(["train", "--data", data, "--epochs", "1", "--batch-size", "32", "--device", "cpu", "--no-eval",
                "--loss", loss, "--tau-plus", "0.2", "--beta", "0.5", "--out", run], output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString() + output);
            Assert.That(output.ToString(), Does.Contain($"training {objective} / small-cnn"));
            var config = Trainer.ReadConfig(run);
            Assert.That(Names.Of(config.Loss), Is.EqualTo(loss));
            Assert.That((config.TauPlus, config.Beta), Is.EqualTo((0.2, 0.5)));
            Assert.That(File.ReadAllText(Path.Combine(run, "config.json")), Does.Contain($"\"Loss\": \"{loss}\"").Or.Contain($"\"loss\": \"{loss}\""));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    /// <summary>Trains 1 epoch on 64 fake images (batch 32, cpu) with <paramref name="options"/> into a run folder, then hands the output and the folder to <paramref name="check"/>.</summary>
    private static void TrainOnFakeImages(string[] options, Action<string, string> check)
    {
        var data = IdxFiles.FakeFashionMnist(64);
        var run = Path.Combine(data, "run");
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int code = NativeContrast.Cli.CommandLine.Run(["train", "--data", data, "--epochs", "1", "--batch-size", "32", "--device", "cpu", .. options, "--out", run], output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString() + output);
            check(output.ToString(), run);
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    [Test]
    public void TrainDroppingFalseNegatives_WithHalfTheLabelsShown_LogsTheNegativesAndPlotsThem() =>
        TrainOnFakeImages(["--false-negatives", "drop", "--label-fraction", "0.5"], (output, run) =>
        {
            Assert.That(output, Does.Contain("training simclr (drop same-class negatives, 50% of labels shown) / small-cnn"));
            var log = File.ReadAllLines(Path.Combine(run, "log.csv"));
            Assert.That(log[0], Does.EndWith(",same_class_negative_share,same_class_negative_similarity,other_negative_similarity"));
            var share = double.Parse(log[1].Split(',')[6], System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(share, Is.InRange(0.0, 1.0));
            Assert.That(File.Exists(Path.Combine(run, "negatives.png")), Is.True);
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
            Assert.That(metrics.RootElement.GetProperty("false_negatives").GetString(), Is.EqualTo("drop"));
            Assert.That(metrics.RootElement.GetProperty("last_epoch_same_class_negative_share").GetDouble(), Is.InRange(0.0, 1.0));
        });

    [Test]
    public void TrainDropTop_WithoutLabels_LogsItsPrecisionAndPlotsIt() =>
        TrainOnFakeImages(["--false-negatives", "drop-top", "--top-k", "4"], (output, run) =>
        {
            Assert.That(output, Does.Contain("training simclr (drop-top: each anchor's 4 most similar negatives dropped) / small-cnn"));
            var log = File.ReadAllLines(Path.Combine(run, "log.csv"));
            Assert.That(log[0], Does.EndWith(",other_negative_similarity,drop_top_precision"));
            // 64 images, batch 32: two steps, each with a precision (a share, finite: 64 rows × 4 negatives were dropped).
            Assert.That(log.Skip(1).Select(l => double.Parse(l.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)), Has.All.InRange(0.0, 1.0));
            Assert.That(File.Exists(Path.Combine(run, "negatives.png")), Is.True);
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
            Assert.That(metrics.RootElement.GetProperty("false_negatives").GetString(), Is.EqualTo("drop-top"));
            Assert.That(metrics.RootElement.GetProperty("top_k").GetInt32(), Is.EqualTo(4));
            Assert.That(metrics.RootElement.GetProperty("last_epoch_drop_top_precision").GetDouble(), Is.InRange(0.0, 1.0));
            Assert.That(Trainer.ReadConfig(run).TopK, Is.EqualTo(4), "config.json records K");
        });

    [Test]
    public void DropTopPrecision_IsTheShareOfDroppedRowsOfTheAnchorsClass()
    {
        // 2 images (classes 0, 1), rows 0..3 (row r is image r mod 2), K = 2; row 0 drops rows 2 (class 0) and 3 (class 1);
        // row 1 drops row 3 (class 1) and nothing; rows 2 and 3 drop one row of the other class each.
        int[] dropped = [2, 3, 3, -1, 1, -1, 0, -1];
        Assert.That(NativeContrast.Training.NegativeStatistics.DropTopPrecision(dropped, [0, 1]), Is.EqualTo(2.0 / 5));
        Assert.That(double.IsNaN(NativeContrast.Training.NegativeStatistics.DropTopPrecision([-1, -1, -1, -1], [0, 1])), Is.True);
    }

    [TestCase("--false-negatives", "drop-top", "--top-k", "0", "error: drop-top's K (--top-k) must be between 1 and 32; got 0.")]
    [TestCase("--false-negatives", "drop-top", "--label-fraction", "0.1", "error: --false-negatives drop-top finds its negatives without labels")]
    [TestCase("--false-negatives", "drop-top", "--batch-size", "4", "error: drop-top's K (--top-k) must be below the 6 negatives each anchor has in a batch of 4 images (two views each); got 8.")]
    [TestCase("--false-negatives", "drop", "--label-fraction", "0", "error: --false-negatives drop needs some labels")]
    [TestCase("--false-negatives", "attract", "--method", "supcon", "error: --false-negatives attract works with SimCLR's NT-Xent")]
    [TestCase("--false-negatives", "drop", "--label-fraction", "1.5", "error: The label fraction (--label-fraction) is a share of the training images in [0, 1]; got 1.5.")]
    [TestCase("--method", "supcon", "--loss", "dcl", "error: --loss dcl is a SimCLR loss")]
    [TestCase("--loss", "hcl", "--tau-plus", "1", "error: The class prior τ⁺ (--tau-plus) must be in [0, 1); got 1.")]
    [TestCase("--loss", "hcl", "--beta", "-2", "error: The concentration β (--beta) must be a finite number ≥ 0; got -2.")]
    public void ALossForNegatives_WithBadSettings_IsAOneLineUsageError(string a, string b, string c, string d, string message)
    {
        var error = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["train", a, b, c, d, "--out", "/nonexistent/never-written"], new StringWriter(), error);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.ToString().Trim(), Does.StartWith(message).And.Not.Contain("\n"));
    }

    /// <summary>
    /// A real SIGINT (what Ctrl-C sends) to a training process: it stops after the current step, writes a
    /// loadable checkpoint of where it stopped, says how to continue, and exits with 130.
    /// </summary>
    [Test]
    public void Sigint_StopsAfterTheStep_WritesACheckpoint_AndExits130()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("sends the signal with kill(1)");
        if (SigintIgnored())
            Assert.Ignore("SIGINT is ignored in this process (a shell without job control started the tests in the background), " +
                "and the training process would inherit that: run the tests in the foreground to check Ctrl-C");
        var data = IdxFiles.FakeFashionMnist(96);
        var run = Path.Combine(data, "run");
        try
        {
            var cli = Path.Combine(AppContext.BaseDirectory, "NativeContrast.Cli.dll");
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { cli, "train", "--data", data, "--epochs", "1000", "--batch-size", "32", "--device", "cpu", "--no-eval", "--out", run },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            var output = new System.Text.StringBuilder();
            var firstEpochDone = new ManualResetEventSlim();
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (output) output.AppendLine(e.Data);
                if (e.Data.Contains("epoch 1/1000:", StringComparison.Ordinal)) firstEpochDone.Set();
            };
            var error = process.StandardError.ReadToEndAsync();
            process.BeginOutputReadLine();
            try
            {
                Assert.That(firstEpochDone.Wait(TimeSpan.FromSeconds(120)), Is.True, $"no epoch finished in 120 s:\n{output}");
                using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
                Assert.That(process.WaitForExit(60_000), Is.True, "the process did not stop within 60 s of SIGINT");
            }
            finally
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            process.WaitForExit();
            string printed;
            lock (output) printed = output.ToString();
            Assert.That(process.ExitCode, Is.EqualTo(130), error.Result + printed);
            Assert.That(error.Result, Does.Contain("stopping after this step"));
            Assert.That(printed, Does.Contain("checkpoint written; continue with --resume " + run));
            var checkpoint = Checkpoint.Load(Path.Combine(run, Checkpoint.FileName));
            try
            {
                Assert.That(checkpoint.Epoch, Is.InRange(1, 999), "the run stopped early, after the first epoch");
                Assert.That(checkpoint.OptimizerSteps, Is.EqualTo(checkpoint.Epoch * 3 + checkpoint.Batch), "the checkpoint is of the last step taken");
            }
            finally
            {
                foreach (var t in checkpoint.Tensors.Values) t.Dispose();
            }
            Assert.That(Directory.GetFiles(run).Select(Path.GetFileName), Is.SupersetOf(new[] { "config.json", "log.csv", Checkpoint.FileName }));
            Assert.That(Directory.GetFiles(run, "*.tmp*"), Is.Empty, "a temp file was left behind");
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    /// <summary>
    /// <c>--resume</c> takes the run's settings from its config.json: an option that would change them is refused by
    /// name (they used to be ignored without a word); --device, --data and --no-eval apply; a finished run is not
    /// trained again, and with --no-eval its metrics.json is left as it was.
    /// </summary>
    [Test]
    public void Resume_RefusesTheRunsSettings_TakesDeviceAndData_AndDoesNotRetrainAFinishedRun()
    {
        var data = IdxFiles.FakeFashionMnist(64);
        var run = Path.Combine(data, "run");
        try
        {
            var error = new StringWriter();
            int code = NativeContrast.Cli.CommandLine.Run(["train", "--data", data, "--epochs", "1", "--batch-size", "32", "--device", "cpu", "--no-eval", "--out", run], new StringWriter(), error);
            Assert.That(code, Is.EqualTo(0), error.ToString());
            string log = File.ReadAllText(Path.Combine(run, "log.csv"));
            File.WriteAllText(Path.Combine(run, "metrics.json"), "{\"kept\": true}");

            error = new StringWriter();
            code = NativeContrast.Cli.CommandLine.Run(["train", "--resume", run, "--epochs", "2", "--batch-size", "16"], new StringWriter(), error);
            Assert.That(code, Is.EqualTo(2));
            Assert.That(error.ToString(), Does.Contain("--batch-size, --epochs cannot be given with it"));

            // Moved data and another device: taken. The run has finished its one epoch: nothing is trained again.
            var moved = Path.Combine(data, "moved");
            Directory.CreateDirectory(moved);
            foreach (var file in Directory.GetFiles(data)) File.Move(file, Path.Combine(moved, Path.GetFileName(file)));
            var output = new StringWriter();
            error = new StringWriter();
            code = NativeContrast.Cli.CommandLine.Run(["train", "--resume", run, "--data", moved, "--device", "ilgpu-cpu", "--no-eval"], output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString() + output);
            Assert.That(output.ToString(), Does.Contain($"Fashion-MNIST: using {moved} (--data)"));
            Assert.That(output.ToString(), Does.Contain("has finished all its epochs (1): nothing left to train"));
            Assert.That(output.ToString(), Does.Not.Contain("training simclr"));
            Assert.That(File.ReadAllText(Path.Combine(run, "log.csv")), Is.EqualTo(log));
            Assert.That(File.ReadAllText(Path.Combine(run, "metrics.json")), Is.EqualTo("{\"kept\": true}"));

            error = new StringWriter();
            code = NativeContrast.Cli.CommandLine.Run(["train", "--resume", run, "--data", moved, "--device", "tpu"], new StringWriter(), error);
            Assert.That(code, Is.EqualTo(2), "--device is taken with --resume");
            Assert.That(error.ToString(), Does.Contain("tpu"));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    /// <summary>Whether SIGINT (signal 2) is in this process's ignored set (the SigIgn mask of /proc/self/status); children inherit it.</summary>
    internal static bool SigintIgnored()
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (2 - 1))) != 0;
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
