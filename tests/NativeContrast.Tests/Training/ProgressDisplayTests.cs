using NativeContrast.Training;

namespace NativeContrast.Tests.Training;

/// <summary>The progress display: one line rewritten in place on a terminal, plain lines elsewhere.</summary>
public class ProgressDisplayTests
{
    [Test]
    public void Live_RewritesOneLine_AndEndsItBeforeAMessage()
    {
        var log = new StringWriter();
        var progress = new ProgressDisplay(log, live: true);
        progress.Step(1, 3, 10, 10, 5.4321, 640, 0.3, TimeSpan.FromSeconds(75));
        progress.Message("epoch 1/3: mean loss 5.4321, 8 s");
        string text = log.ToString();
        Assert.That(text, Does.StartWith("\r  epoch 1/3 [####################] 10/10  loss 5.4321, 640 images/s, lr 0.3, time left 0:01:15"));
        Assert.That(text, Does.EndWith("\repoch 1/3: mean loss 5.4321, 8 s" + Environment.NewLine));
        Assert.That(text.Split(Environment.NewLine), Has.Length.EqualTo(2), "one finished line");
    }

    [Test]
    public void NotLive_WritesAPlainLineFiveTimesAnEpoch()
    {
        var log = new StringWriter();
        var progress = new ProgressDisplay(log, live: false);
        for (int step = 1; step <= 20; step++) progress.Step(2, 3, step, 20, 4.0, 500, 0.1, TimeSpan.Zero);
        var lines = log.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(5));
        Assert.That(lines[^1], Is.EqualTo("  epoch 2/3 step 20/20: loss 4.0000, 500 images/s, lr 0.1, time left 0:00:00"));
        Assert.That(log.ToString(), Does.Not.Contain("\r"));
    }
}
