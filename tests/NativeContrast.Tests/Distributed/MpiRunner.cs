using System.Diagnostics;

namespace NativeContrast.Tests.Distributed;

/// <summary>Starts the nativecontrast command under Open MPI's mpirun (as root too), with a time limit so that a hang fails the test.</summary>
internal static class MpiRunner
{
    public static string? Mpirun =>
        new[] { "/usr/bin/mpirun", "/usr/local/bin/mpirun" }.FirstOrDefault(File.Exists);

    public static string Cli => Path.Combine(AppContext.BaseDirectory, "NativeContrast.Cli.dll");

    /// <summary>Skips the test (with the reason) when Open MPI is not installed.</summary>
    public static void RequireMpi()
    {
        if (Mpirun is null) Assert.Ignore("Open MPI is not installed (apt-get install openmpi-bin libopenmpi3); .ci/run installs it.");
    }

    public static (int ExitCode, string Output, string Error) Run(int ranks, string arguments, int timeoutSeconds = 180)
    {
        var start = new ProcessStartInfo(Mpirun!, $"-np {ranks} --oversubscribe --bind-to none --mca btl_vader_single_copy_mechanism none dotnet \"{Cli}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"mpirun -np {ranks} {arguments} did not finish in {timeoutSeconds} s (a hang).");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
