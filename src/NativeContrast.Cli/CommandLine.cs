using System.CommandLine;
using NativeContrast.Training;

namespace NativeContrast.Cli;

/// <summary>
/// The <c>nativecontrast</c> command. Exit codes: 0 success; 1 a runtime failure (diverged loss, device error, failed
/// check); 2 a usage or input error (parser errors included); 130 interrupted. Every error is one line on standard error,
/// never a stack trace: an unexpected exception prints <c>internal error: type: message (details in PATH)</c> and writes
/// its stack trace to a crash log (<see cref="CrashLog"/>).
/// </summary>
public static class CommandLine
{
    /// <summary>Exit codes: success.</summary>
    public const int Success = 0;

    /// <summary>A runtime failure: a diverged loss, a device that cannot compile a kernel, a failed check, an internal error.</summary>
    public const int RuntimeFailure = 1;

    /// <summary>A usage or input error: the parser's errors, bad option values, unreadable or invalid files.</summary>
    public const int UsageError = 2;

    /// <summary>Interrupted (Ctrl-C): 128 + SIGINT, as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>Test hook: runs before the command, so a test can throw what no input provokes (an unexpected exception).</summary>
    internal static Action? FaultInjection { get; set; }

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var parsed = Root(output, error).Parse(args);
        try
        {
            FaultInjection?.Invoke();
            int code = parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
            return parsed.Errors.Count > 0 ? UsageError : code;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("interrupted");
            return Interrupted;
        }
        catch (Exception e) when (e is KernelCompilationException or TrainingDivergedException)
        {
            error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}");
            return RuntimeFailure;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or NotSupportedException or InvalidDataException
            or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            string message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", string.Empty) : e.Message;
            // ArgumentOutOfRangeException appends "Actual value was …" on a second line: keep it to one.
            error.WriteLine($"error: {message.ReplaceLineEndings(" ")}");
            return UsageError;
        }
        catch (Exception e)
        {
            error.WriteLine($"internal error: {e.GetType().FullName}: {e.Message.ReplaceLineEndings(" ")} (details in {CrashLog.Write(e, args)})");
            return RuntimeFailure;
        }
    }

    /// <summary>What the parser says is wrong with a command line (unknown command or option, missing or bad value), without running it.</summary>
    public static IReadOnlyList<string> ParseErrors(string[] args) =>
        Root(TextWriter.Null, TextWriter.Null).Parse(args).Errors.Select(e => e.Message).ToList();

    private static RootCommand Root(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("NativeContrast: contrastive learning for .NET, with fused losses on CPU (SIMD) and GPU (ILGPU).");
        root.Subcommands.Add(InfoCommand.Create(output));
        root.Subcommands.Add(TrainCommand.Create(output, error));
        root.Subcommands.Add(EvalCommand.Create(output, error));
        root.Subcommands.Add(RunsCommand.Create(output));
        root.Subcommands.Add(SweepCommand.Create(output, error));
        root.Subcommands.Add(EmbedCommand.Create(output, error));
        root.Subcommands.Add(SearchCommand.Create(output, error));
        root.Subcommands.Add(ExportCommand.Create(output, error));
        root.Subcommands.Add(LossCommand.Create(output, error));
        root.Subcommands.Add(BenchCommand.Create(output, error));
        root.Subcommands.Add(AugmentCommand.Create(output, error));
        root.Subcommands.Add(MpiCheckCommand.Create(output, error));
        root.Subcommands.Add(CheckCommand.Create(output, error));
        root.Subcommands.Add(PtxCommand.Create(output, error));
        return root;
    }
}
