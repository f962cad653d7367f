using System.Globalization;

namespace NativeContrast.Cli;

/// <summary>The process's peak resident memory (VmHWM in /proc/self/status, Linux), for the end-of-run summary.</summary>
internal static class PeakMemory
{
    /// <summary>Bytes, or null where the system does not say.</summary>
    public static long? Bytes()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is null) return null;
            var kilobytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
            return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>", peak memory 1.23 GiB", or "" where unknown.</summary>
    public static string Describe() =>
        Bytes() is { } bytes ? string.Create(CultureInfo.InvariantCulture, $", peak memory {bytes / (double)(1L << 30):F2} GiB") : "";
}
