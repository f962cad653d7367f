using System.CommandLine;

namespace NativeContrast.Cli;

/// <summary>
/// The <c>nativecontrast</c> command. Argument errors (ArgumentException family, bad files) become one
/// line on standard error and exit code 2, never a stack trace; a kernel the device cannot compile, one line and exit code 1.
/// </summary>
public static class CommandLine
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var parsed = Root(output, error).Parse(args);
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (KernelCompilationException e)
        {
            // A device failure, not the user's input: exit code 1.
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or NotSupportedException or InvalidDataException or DllNotFoundException or EntryPointNotFoundException)
        {
            string message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", string.Empty) : e.Message;
            // ArgumentOutOfRangeException appends "Actual value was …" on a second line: keep it to one.
            error.WriteLine($"error: {message.ReplaceLineEndings(" ")}");
            return 2;
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
        root.Subcommands.Add(EmbedCommand.Create(output, error));
        root.Subcommands.Add(LossCommand.Create(output, error));
        root.Subcommands.Add(BenchCommand.Create(output, error));
        root.Subcommands.Add(AugmentCommand.Create(output, error));
        root.Subcommands.Add(MpiCheckCommand.Create(output, error));
        root.Subcommands.Add(CheckCommand.Create(output, error));
        root.Subcommands.Add(PtxCommand.Create(output, error));
        return root;
    }
}
