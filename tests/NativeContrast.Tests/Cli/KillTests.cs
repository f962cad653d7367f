using System.Diagnostics;
using NativeContrast.Tests.Data;
using NativeContrast.Training;

namespace NativeContrast.Tests.Cli;

/// <summary>
/// No run is ever lost: a training process killed with SIGKILL at 30 random moments (before its first checkpoint,
/// between checkpoints, while one is written, right after) leaves a run folder that <c>--resume</c> continues from, every
/// time; the chain of resumed runs then finishes with the run's full number of steps, one log row each.
/// </summary>
[NonParallelizable]
public class KillTests
{
    [Test]
    public void KilledAt30RandomMoments_TheRunFolderResumesEveryTime_AndFinishes()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("kills with SIGKILL");
        var data = IdxFiles.FakeFashionMnist(512);
        var run = Path.Combine(data, "run");
        var cli = Path.Combine(AppContext.BaseDirectory, "NativeContrast.Cli.dll");
        const int epochs = 100, stepsPerEpoch = 2; // 512 images, batch 256: a checkpoint every 2 steps (about 0.3 s)
        var rng = new Random(20261204);
        try
        {
            Process Start(params string[] args)
            {
                var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                start.ArgumentList.Add(cli);
                foreach (var a in args) start.ArgumentList.Add(a);
                var process = Process.Start(start)!;
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                return process;
            }
            string[] first = ["train", "--data", data, "--epochs", epochs.ToString(), "--batch-size", "256", "--device", "cpu", "--no-eval", "--out", run];
            string[] resume = ["train", "--resume", run, "--no-eval"];
            int kills = 0, finishedEarly = 0;
            for (int i = 0; i < 30; i++)
            {
                using var process = Start(i == 0 ? first : resume);
                // From just after start-up to well into training: before, during and after checkpoint writes.
                Thread.Sleep(rng.Next(300, 2500));
                if (process.HasExited)
                {
                    Assert.That(process.ExitCode, Is.EqualTo(0), $"attempt {i + 1} failed before it was killed");
                    finishedEarly++;
                    break;
                }
                process.Kill();
                process.WaitForExit();
                kills++;
                Assert.That(File.Exists(Path.Combine(run, "config.json")) || i == 0, Is.True, $"after kill {kills}: no config.json");
                if (File.Exists(Path.Combine(run, Checkpoint.FileName)))
                {
                    var checkpoint = Checkpoint.Load(Path.Combine(run, Checkpoint.FileName));
                    foreach (var t in checkpoint.Tensors.Values) t.Dispose();
                }
            }
            // Resume to the end.
            var output = new StringWriter();
            var error = new StringWriter();
            int code = kills == 0 && !Directory.Exists(run)
                ? NativeContrast.Cli.CommandLine.Run(first, output, error)
                : NativeContrast.Cli.CommandLine.Run(File.Exists(Path.Combine(run, "config.json")) ? resume : first, output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString() + output);
            var last = Checkpoint.Load(Path.Combine(run, Checkpoint.FileName));
            try
            {
                Assert.That((last.Epoch, last.Batch, last.OptimizerSteps), Is.EqualTo((epochs, 0, epochs * stepsPerEpoch)));
            }
            finally
            {
                foreach (var t in last.Tensors.Values) t.Dispose();
            }
            var steps = File.ReadLines(Path.Combine(run, "log.csv")).Skip(1).Select(l => int.Parse(l.Split(',')[1])).ToList();
            Assert.That(steps, Is.EqualTo(Enumerable.Range(1, epochs * stepsPerEpoch)), "one log row per step, in order");
            Assert.That(Directory.GetFiles(run, "*.tmp-*"), Is.Empty);
            TestContext.Out.WriteLine($"{kills} kills, {finishedEarly} runs finished before their kill");
            Assert.That(kills, Is.GreaterThanOrEqualTo(20), "most attempts must have been killed for the test to mean anything");
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }
}
