using System.Diagnostics;
using System.Globalization;

namespace NativeContrast.Training;

/// <summary>
/// Training progress. Live (a terminal): one line rewritten in place after every step, at most five
/// times a second: epoch, a bar of the epoch's steps, mean loss, images/s, learning rate and time left.
/// Otherwise (a file, a pipe, a test): a plain line five times per epoch. Other messages end the live
/// line first, so nothing is overwritten.
/// </summary>
internal sealed class ProgressDisplay(TextWriter log, bool live)
{
    private const int BarWidth = 20;
    private readonly Stopwatch sinceUpdate = Stopwatch.StartNew();
    private int lineLength;

    public bool Live => live;

    public void Step(int epoch, int epochs, int step, int steps, double meanLoss, double imagesPerSecond, double learningRate, TimeSpan left)
    {
        bool last = step == steps;
        string numbers = string.Create(CultureInfo.InvariantCulture,
            $"loss {meanLoss:F4}, {imagesPerSecond:F0} images/s, lr {learningRate:G3}, time left {left:h\\:mm\\:ss}");
        if (!live)
        {
            if (step % Math.Max(1, steps / 5) == 0 || last) log.WriteLine($"  epoch {epoch}/{epochs} step {step}/{steps}: {numbers}");
            return;
        }
        if (!last && sinceUpdate.ElapsedMilliseconds < 200) return;
        sinceUpdate.Restart();
        int filled = (int)Math.Round((double)step / steps * BarWidth);
        string line = $"  epoch {epoch}/{epochs} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {step}/{steps}  {numbers}";
        log.Write("\r" + line.PadRight(lineLength));
        lineLength = line.Length;
        log.Flush();
    }

    /// <summary>Writes a line of its own (ending the live line first).</summary>
    public void Message(string text)
    {
        if (live && lineLength > 0)
        {
            log.Write("\r" + new string(' ', lineLength) + "\r");
            lineLength = 0;
        }
        log.WriteLine(text);
    }
}
