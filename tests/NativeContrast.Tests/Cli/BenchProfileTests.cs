using NativeContrast.Autograd;

namespace NativeContrast.Tests.Cli;

/// <summary><c>bench --kind simclr-step --profile</c> and the op profile behind it.</summary>
[NonParallelizable]
public class BenchProfileTests
{
    [Test]
    public void SimClrStepProfile_NamesEachConvolutionAndAccountsForTheStep()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["bench", "--kind", "simclr-step", "--n", "16", "--reps", "2", "--warmup-s", "0", "--profile"], output, error);
        Assert.That(code, Is.EqualTo(0), error.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries);
        Assert.That(lines[1], Does.StartWith("profile over 2 steps: "));
        // The small CNN's five convolutions, each forward and backward, by its sizes; the loss and the optimizer step.
        foreach (var conv in new[] { "Conv2d 1→32 3×3/1 28×28", "Conv2d 32→32 3×3/2 28×28", "Conv2d 32→64 3×3/1 14×14", "Conv2d 64→64 3×3/2 14×14", "Conv2d 64→128 3×3/2 7×7" })
        {
            Assert.That(lines, Has.Some.Match($@"^forward +{conv} +\d+\.\d\d +\d+\.\d %  +1\.0$"), conv);
            Assert.That(lines, Has.Some.Match($@"^backward +{conv} +\d+\.\d\d"), conv);
        }
        Assert.That(lines, Has.Some.Match(@"^forward +SoftmaxContrastive "));
        Assert.That(lines, Has.Some.Match(@"^optimizer +Sgd\.Step "));
    }

    [Test]
    public void ResNetStep_NamesItsStagesConvolutionsAndTheGc()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["bench", "--kind", "simclr-step", "--encoder", "resnet18", "--n", "4", "--reps", "1", "--warmup-s", "0", "--profile"], output, error);
        Assert.That(code, Is.EqualTo(0), error.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries);
        Assert.That(lines[0], Does.Match(@"^simclr-step resnet18, 4 images of 28×28 on cpu: .*; per step the GC collected \d+\.\d times \(\d+\.\d full\) and paused \d+\.\d ms$"));
        // The first stage's 28×28 maps (after the CIFAR stem: no downsampling), the last stage's 4×4 maps, three blocks of
        // each width after the first (the table lists the 25 largest, so only these are sure to be in it).
        Assert.That(lines, Has.Some.Match(@"^backward +Conv2d 64→64 3×3/1 28×28 +\d+\.\d\d +\d+\.\d % +4\.0$"));
        Assert.That(lines, Has.Some.Match(@"^backward +Conv2d 512→512 3×3/1 4×4 +\d+\.\d\d +\d+\.\d % +3\.0$"));
    }

    [Test]
    public void Encoder_GoesWithTheTrainingStepOnly()
    {
        var error = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["bench", "--kind", "ntxent", "--n", "16", "--encoder", "resnet18"], new StringWriter(), error);
        Assert.That((code, error.ToString().Trim()), Is.EqualTo((2, "error: --encoder goes with --kind simclr-step.")));
    }

    [Test]
    public void Profile_GoesWithTheTrainingStepOnly()
    {
        var error = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["bench", "--kind", "ntxent", "--n", "16", "--profile"], new StringWriter(), error);
        Assert.That((code, error.ToString().Trim()), Is.EqualTo((2, "error: --profile goes with --kind simclr-step.")));
    }

    [Test]
    public void OpProfile_GivesTheTimeBetweenMarksToTheSecond_AndNothingWhenOff()
    {
        OpProfile.Mark("forward", "off");
        OpProfile.Start();
        Thread.Sleep(30);
        OpProfile.Mark("forward", "slow");
        OpProfile.Mark("forward", "fast");
        OpProfile.Mark("forward", "fast");
        var totals = OpProfile.Stop();
        Assert.That(totals.Select(t => t.Op), Is.EqualTo(new[] { "slow", "fast" }));
        Assert.That(totals[0].Milliseconds, Is.GreaterThanOrEqualTo(25));
        Assert.That(totals[1].Count, Is.EqualTo(2));
        OpProfile.Mark("forward", "after");
        Assert.That(OpProfile.Stop(), Is.Empty);
    }
}
