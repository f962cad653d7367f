using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace NativeContrast.Cli;

/// <summary>
/// <c>nativecontrast ptx</c>: compiles the GPU fast-path kernels to PTX without a GPU and, where
/// <c>ptxas</c> is at hand, assembles each for the same architecture and reports what the DESIGN asks to
/// watch: registers, stack frame and spills (all three bytes counts must be 0) and shared memory.
/// </summary>
internal static partial class PtxCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var arch = new Option<string>("--arch") { Description = "Target, as sm_XY (sm_80 A100, sm_90 H100/H200).", DefaultValueFactory = _ => "sm_90" };
        var outFolder = new Option<string>("--out") { Description = "Folder for the .ptx files.", DefaultValueFactory = _ => "ptx" };
        var only = new Option<string?>("--only") { Description = "Only kernels whose name contains this text." };
        var ptxas = new Option<string?>("--ptxas") { Description = "ptxas to assemble with (default: $NC_PTXAS, else ptxas on PATH; skipped if none)." };
        var command = new Command("ptx", "Compile the GPU fast-path kernels to PTX (no GPU needed) and check them with ptxas: registers, stack frame, spills.");
        foreach (var o in new Option[] { arch, outFolder, only, ptxas }) command.Options.Add(o);
        command.SetAction(parse => Run(parse.GetValue(arch)!, parse.GetValue(outFolder)!, parse.GetValue(only), parse.GetValue(ptxas), output, error));
        return command;
    }

    internal static int Run(string arch, string outFolder, string? only, string? ptxas, TextWriter output, TextWriter error)
    {
        var match = ArchPattern().Match(arch);
        if (!match.Success) throw new ArgumentException($"--arch must look like sm_90; got '{arch}'.", nameof(arch));
        int major = int.Parse(match.Groups[1].Value), minor = int.Parse(match.Groups[2].Value);
        if (ptxas is not null && !File.Exists(ptxas)) throw new FileNotFoundException($"ptxas not found at '{ptxas}'.", ptxas);
        string? assembler = ptxas ?? Environment.GetEnvironmentVariable("NC_PTXAS") ?? FindOnPath("ptxas");
        Directory.CreateDirectory(outFolder);
        var kernels = PtxExport.Compile(major, minor, only);
        output.WriteLine($"ptx: {kernels.Count} kernels for {arch} → {Path.GetFullPath(outFolder)}" +
            (assembler is null ? "; ptxas not found, so not assembled (pass --ptxas or set NC_PTXAS)" : $"; assembling with {assembler}"));
        int failed = 0;
        foreach (var kernel in kernels)
        {
            string path = Path.Combine(outFolder, kernel.Name + ".ptx");
            File.WriteAllText(path, kernel.Ptx);
            if (assembler is null)
            {
                output.WriteLine($"  {kernel.Name,-36} {kernel.Ptx.Length,7} chars of PTX");
                continue;
            }
            var (ok, report) = Assemble(assembler, arch, path);
            if (!ok) failed++;
            output.WriteLine($"  {kernel.Name,-36} {(ok ? "ok  " : "FAIL")}  {report}");
        }
        if (assembler is not null) output.WriteLine($"{kernels.Count - failed} of {kernels.Count} kernels assembled with no stack frame and no spills");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Runs ptxas -v; ok when it succeeds and reports 0 bytes of stack frame and of spills.</summary>
    private static (bool Ok, string Report) Assemble(string ptxas, string arch, string path)
    {
        string cubin = Path.ChangeExtension(path, ".cubin");
        var info = new ProcessStartInfo(ptxas) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { $"-arch={arch}", "-v", path, "-o", cubin }) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {ptxas}.");
        string text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        File.Delete(cubin);
        if (process.ExitCode != 0) return (false, $"ptxas exit code {process.ExitCode}: {text.Trim().ReplaceLineEndings(" ")}");
        var registers = RegisterPattern().Match(text);
        var frame = FramePattern().Match(text);
        if (!registers.Success || !frame.Success) return (false, $"unexpected ptxas output: {text.Trim().ReplaceLineEndings(" ")}");
        int stack = int.Parse(frame.Groups[1].Value), spillStores = int.Parse(frame.Groups[2].Value), spillLoads = int.Parse(frame.Groups[3].Value);
        string shared = registers.Groups[2].Success ? registers.Groups[2].Value : "0";
        return (stack == 0 && spillStores == 0 && spillLoads == 0,
            $"{registers.Groups[1].Value} registers, {shared} bytes shared, stack frame {stack} bytes, spills {spillStores}/{spillLoads} bytes (stores/loads)");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);

    [GeneratedRegex(@"^sm_(\d+)(\d)$")]
    private static partial Regex ArchPattern();

    [GeneratedRegex(@"Used (\d+) registers(?:, (\d+) bytes smem)?")]
    private static partial Regex RegisterPattern();

    [GeneratedRegex(@"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")]
    private static partial Regex FramePattern();
}
