using NativeContrast.Tests.Data;

namespace NativeContrast.Tests.Cli;

/// <summary>
/// Exit codes (0 success, 1 runtime failure, 2 usage or input error, 130 interrupted), one-line errors, the crash log
/// of an unexpected exception, and run folders that a new run never overwrites by accident.
/// </summary>
[NonParallelizable]
public class ExitCodeTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Test]
    public void ParserErrors_AreUsageErrors_ExitCode2()
    {
        Assert.That(Run("train", "--no-such-option").Code, Is.EqualTo(2));
        Assert.That(Run("train", "--method", "byol").Code, Is.EqualTo(2));
        Assert.That(Run("no-such-command").Code, Is.EqualTo(2));
    }

    [Test]
    public void AnUnexpectedException_IsOneLine_WithACrashLogHoldingTheStackTrace()
    {
        NativeContrast.Cli.CommandLine.FaultInjection = () => throw new KeyNotFoundException("a key that was never there");
        try
        {
            var (code, _, error) = Run("info");
            Assert.That(code, Is.EqualTo(1));
            var line = error.TrimEnd();
            Assert.That(line, Does.Not.Contain("\n"));
            var match = System.Text.RegularExpressions.Regex.Match(line, @"^internal error: System\.Collections\.Generic\.KeyNotFoundException: a key that was never there \(details in (.+)\)$");
            Assert.That(match.Success, Is.True, line);
            string log = File.ReadAllText(match.Groups[1].Value);
            Assert.That(log, Does.Contain("nativecontrast info").And.Contain("KeyNotFoundException").And.Contain(" at "));
            File.Delete(match.Groups[1].Value);
        }
        finally
        {
            NativeContrast.Cli.CommandLine.FaultInjection = null;
        }
    }

    [Test]
    public void ADivergedLoss_IsARuntimeFailure_ExitCode1()
    {
        var data = IdxFiles.FakeFashionMnist(64);
        try
        {
            var (code, _, error) = Run("train", "--data", data, "--epochs", "1", "--batch-size", "32", "--device", "cpu", "--no-eval",
                "--optimizer", "sgd", "--lr", "1e30", "--out", Path.Combine(data, "run"));
            Assert.That(code, Is.EqualTo(1), error);
            Assert.That(error.TrimEnd(), Does.Match("^error: The (loss|embeddings) became ").And.Contain("lower the learning rate").And.Not.Contain("\n"));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    [Test]
    public void TrainOut_IntoAFolderHoldingARun_IsRefused_UnlessOverwrite_AndAFileIsRefused()
    {
        var data = IdxFiles.FakeFashionMnist(64);
        var run = Path.Combine(data, "run");
        try
        {
            string[] train = ["train", "--data", data, "--epochs", "1", "--batch-size", "32", "--device", "cpu", "--no-eval", "--out", run];
            Assert.That(Run(train).Code, Is.EqualTo(0));
            byte[] checkpoint = File.ReadAllBytes(Path.Combine(run, "checkpoint.safetensors"));
            string log = File.ReadAllText(Path.Combine(run, "log.csv"));

            var (code, _, error) = Run([.. train, "--seed", "5"]);
            Assert.That(code, Is.EqualTo(2));
            Assert.That(error.TrimEnd(), Is.EqualTo($"error: --out '{run}' already holds a run (config.json, checkpoint.safetensors, log.csv, metrics.json, loss.png, negatives.png); " +
                $"continue it with --resume {run}, choose another folder, or add --overwrite to replace it."));
            Assert.That(File.ReadAllBytes(Path.Combine(run, "checkpoint.safetensors")), Is.EqualTo(checkpoint), "the refused run changed the checkpoint");
            Assert.That(File.ReadAllText(Path.Combine(run, "log.csv")), Is.EqualTo(log));

            File.WriteAllText(Path.Combine(run, "notes.txt"), "mine");
            (code, _, error) = Run([.. train, "--seed", "5", "--overwrite"]);
            Assert.That(code, Is.EqualTo(0), error);
            Assert.That(File.ReadAllBytes(Path.Combine(run, "checkpoint.safetensors")), Is.Not.EqualTo(checkpoint), "--overwrite trains a new run");
            Assert.That(File.ReadAllText(Path.Combine(run, "notes.txt")), Is.EqualTo("mine"), "--overwrite replaces the run's files only");

            string file = Path.Combine(data, "a-file");
            File.WriteAllText(file, "x");
            (code, _, error) = Run([.. train[..^1], file]);
            Assert.That(code, Is.EqualTo(2));
            Assert.That(error.TrimEnd(), Is.EqualTo($"error: --out '{file}' is a file; name a folder for the run."));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }
}
