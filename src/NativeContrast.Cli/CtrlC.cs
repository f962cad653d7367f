namespace NativeContrast.Cli;

/// <summary>
/// Ctrl-C (SIGINT) for a long command: the first press asks the work to stop at its next checkpoint, through
/// <see cref="Token"/> (training after the current step, with a checkpoint; loading, evaluation and plotting between
/// batches), and the command then exits with 130; a second press exits with 130 at once.
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly TextWriter error;
    private readonly string firstMessage;

    public CtrlC(TextWriter error, string firstMessage)
    {
        this.error = error;
        this.firstMessage = firstMessage;
        Console.CancelKeyPress += OnCancel;
    }

    public CancellationToken Token => source.Token;

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (source.IsCancellationRequested)
        {
            error.WriteLine("aborted (second Ctrl-C)");
            error.Flush();
            Environment.Exit(CommandLine.Interrupted);
        }
        e.Cancel = true;
        error.WriteLine(firstMessage);
        error.Flush();
        source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        source.Dispose();
    }
}
