using System.Diagnostics;
using System.Globalization;
using NativeContrast.Tests.Data;

namespace NativeContrast.Tests.Cli;

/// <summary>
/// Ctrl-C on a real child process (SIGINT by kill(1)): during evaluation the command stops at the next batch and exits 130
/// with the run's checkpoint intact and no metrics; a second Ctrl-C exits 130 at once, mid-step.
/// </summary>
[NonParallelizable]
public class CtrlCTests
{
    /// <summary>The CLI as a child process whose output lines can be waited for.</summary>
    private sealed class Child : IDisposable
    {
        private readonly Process process;
        private readonly System.Text.StringBuilder text = new();

        public Child(params string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "NativeContrast.Cli.dll"));
            foreach (var a in args) start.ArgumentList.Add(a);
            process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        private void Append(string? line)
        {
            if (line is null) return;
            lock (text) text.AppendLine(line);
        }

        public string Text
        {
            get
            {
                lock (text) return text.ToString();
            }
        }

        public void WaitFor(string fragment, int seconds)
        {
            var clock = Stopwatch.StartNew();
            while (!Text.Contains(fragment, StringComparison.Ordinal))
            {
                if (process.HasExited) Assert.Fail($"exited ({process.ExitCode}) before printing '{fragment}':\n{Text}");
                if (clock.Elapsed.TotalSeconds > seconds) Assert.Fail($"'{fragment}' not printed in {seconds} s:\n{Text}");
                Thread.Sleep(20);
            }
        }

        public void Interrupt()
        {
            using var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        public int Exit(int seconds)
        {
            Assert.That(process.WaitForExit(seconds * 1000), Is.True, $"still running {seconds} s after the signal:\n{Text}");
            process.WaitForExit();
            return process.ExitCode;
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }

    [SetUp]
    public void RequireSigint()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("sends the signal with kill(1)");
        if (TrainCommandTests.SigintIgnored())
            Assert.Ignore("SIGINT is ignored in this process (tests started in the background by a shell without job control), and the child would inherit that");
    }

    [Test]
    public void CtrlC_DuringEvaluation_StopsIt_Exits130_KeepingTheCheckpoint_WithoutMetrics()
    {
        var data = IdxFiles.FakeFashionMnist(3000);
        var run = Path.Combine(data, "run");
        try
        {
            using var child = new Child("train", "--data", data, "--epochs", "1", "--batch-size", "256", "--device", "cpu", "--out", run);
            child.WaitFor("evaluating:", 120);
            child.Interrupt();
            Assert.That(child.Exit(30), Is.EqualTo(130), child.Text);
            Assert.That(child.Text, Does.Contain("stopping after this step").And.Contain("interrupted").And.Not.Contain("test accuracy"));
            Assert.That(File.Exists(Path.Combine(run, "checkpoint.safetensors")), Is.True, "training had finished: its checkpoint stays");
            Assert.That(File.Exists(Path.Combine(run, "metrics.json")), Is.False, "no metrics of an evaluation that did not finish");
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    [Test]
    public void ASecondCtrlC_Exits130_AtOnce()
    {
        var data = IdxFiles.FakeFashionMnist(256);
        var run = Path.Combine(data, "run");
        try
        {
            // ResNet-18 steps take long enough on 2 cores that the second signal lands inside the step the first one waits for.
            using var child = new Child("train", "--data", data, "--epochs", "50", "--batch-size", "128", "--encoder", "resnet18", "--device", "cpu", "--no-eval", "--out", run);
            child.WaitFor("training simclr", 120);
            Thread.Sleep(500);
            child.Interrupt();
            child.WaitFor("stopping after this step", 30);
            child.Interrupt();
            Assert.That(child.Exit(15), Is.EqualTo(130), child.Text);
            Assert.That(child.Text, Does.Contain("aborted (second Ctrl-C)").And.Not.Contain("checkpoint written"));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }
}
