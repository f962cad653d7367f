using System.CommandLine;
using System.Runtime.InteropServices;

namespace NativeContrast.Cli;

/// <summary><c>nativecontrast info</c>: the devices found, the one <c>auto</c> picks, and why any device was refused.</summary>
internal static class InfoCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("info", "List the devices found, the one 'auto' picks, and why any was refused.");
        command.SetAction(_ =>
        {
            Write(output);
            return 0;
        });
        return command;
    }

    public static void Write(TextWriter output)
    {
        output.WriteLine($"NativeContrast {typeof(Tensor).Assembly.GetName().Version} on .NET {Environment.Version}, {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}");
        output.WriteLine();
        output.WriteLine("devices:");
        var reports = DeviceCatalog.Probe();
        int width = reports.Max(r => r.Name.Length);
        foreach (var r in reports)
        {
            string status = r.Usable ? "ok     " : "refused";
            output.WriteLine($"  {r.Name.PadRight(width)}  {status}  {r.Description}");
            if (!r.Usable) output.WriteLine($"  {new string(' ', width)}           why: {r.RefusedBecause}");
        }
        var (picked, reason) = DeviceCatalog.ResolveAuto();
        output.WriteLine();
        output.WriteLine($"auto: {picked}");
        output.WriteLine($"  why: {(picked == "cpu" ? $"no GPU device is usable ({reason})" : reason)}");
    }
}
