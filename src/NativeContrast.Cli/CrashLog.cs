using System.Globalization;

namespace NativeContrast.Cli;

/// <summary>Where an unexpected exception's details go: a file in the temp folder, named by time and process.</summary>
internal static class CrashLog
{
    /// <summary>Writes the exception (type, message, stack trace, inner exceptions) and the command line; returns the file's path.</summary>
    public static string Write(Exception e, IReadOnlyList<string> args)
    {
        string path = Path.Combine(Path.GetTempPath(),
            string.Create(CultureInfo.InvariantCulture, $"nativecontrast-crash-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log"));
        try
        {
            File.WriteAllText(path, $"nativecontrast {string.Join(' ', args)}\n{DateTime.UtcNow:O}\n\n{e}\n");
            return path;
        }
        catch (Exception write) when (write is IOException or UnauthorizedAccessException)
        {
            return $"nowhere: the crash log could not be written to {path} ({write.Message})";
        }
    }
}
