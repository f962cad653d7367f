namespace NativeContrast.Tests.Support;

/// <summary>Runs the command line in-process, as the tests of the commands do.</summary>
public static class CliRun
{
    /// <summary>The exit code, what went to standard output, and standard error (trimmed).</summary>
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString().Trim());
    }
}
