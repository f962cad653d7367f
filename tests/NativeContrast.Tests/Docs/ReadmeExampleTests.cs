using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NativeContrast.Tests.Docs;

/// <summary>
/// README.md against the code: every C# example, compiled as a program of its own (top-level statements, the SDK's
/// implicit usings) against this build of NativeContrast and run; and every nativecontrast command line it shows, parsed.
/// An example that no longer compiles or that throws, or an option that no longer exists, fails here.
/// </summary>
[NonParallelizable]
public partial class ReadmeExampleTests
{
    private static IEnumerable<TestCaseData> Examples()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var blocks = CsharpBlock().Matches(readme);
        if (blocks.Count == 0) throw new InvalidOperationException("README.md has no ```csharp blocks: the pattern or the README changed.");
        foreach (Match block in blocks)
        {
            int line = readme[..block.Index].Count(c => c == '\n') + 1;
            yield return new TestCaseData(block.Groups[1].Value).SetName($"ReadmeExample_CompilesAndRuns(line {line})");
        }
    }

    [TestCaseSource(nameof(Examples))]
    public void ReadmeExample_CompilesAndRuns(string code)
    {
        var trees = new[]
        {
            CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest)),
            CSharpSyntaxTree.ParseText("global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq;"),
        };
        var compilation = CSharpCompilation.Create("ReadmeExample", trees, References(), new CSharpCompilationOptions(OutputKind.ConsoleApplication));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.That(result.Success, Is.True, "the example does not compile:\n" + string.Join("\n", errors));
        image.Position = 0;
        var context = new AssemblyLoadContext("readme-example", isCollectible: true);
        try
        {
            var entry = context.LoadFromStream(image).EntryPoint!;
            try
            {
                entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
            }
            catch (TargetInvocationException e)
            {
                Assert.Fail($"the example throws: {e.InnerException}");
            }
        }
        finally
        {
            context.Unload();
        }
    }

    private static IEnumerable<TestCaseData> Commands()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        int count = 0;
        foreach (Match block in ShellBlock().Matches(readme))
        {
            int line = readme[..block.Index].Count(c => c == '\n') + 2;
            foreach (string text in block.Groups[1].Value.Split('\n'))
            {
                var command = CliInvocation().Match(Regex.Replace(text, @"\s#.*$", ""));
                if (command.Success)
                {
                    count++;
                    yield return new TestCaseData(command.Groups[1].Value.Trim()).SetName($"ReadmeCommand_Parses(line {line}: {command.Groups[1].Value.Trim()})");
                }
                line++;
            }
        }
        if (count < 10) throw new InvalidOperationException($"README.md shows {count} nativecontrast command lines, fewer than the 10 it had: the pattern or the README changed.");
    }

    /// <summary>
    /// Every nativecontrast command line the README shows (after <c>$nc</c>, <c>dotnet run … --</c> or <c>NativeContrast.Cli.dll</c>)
    /// names a command and options that exist, with values they accept. Parsed only, not run.
    /// </summary>
    [TestCaseSource(nameof(Commands))]
    public void ReadmeCommand_Parses(string arguments)
    {
        var errors = NativeContrast.Cli.CommandLine.ParseErrors(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.That(errors, Is.Empty, $"nativecontrast {arguments}");
    }

    /// <summary>The framework's assemblies and NativeContrast's (with the kernels and ILGPU), as the test process has them.</summary>
    private static List<MetadataReference> References()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToHashSet();
        paths.Add(typeof(Tensor).Assembly.Location);
        return paths.Where(p => p.Length > 0 && File.Exists(p)).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
    }

    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "README.md")) && File.Exists(Path.Combine(folder.FullName, "NativeContrast.sln")))
                return folder.FullName;
        throw new DirectoryNotFoundException($"No README.md with NativeContrast.sln above {TestContext.CurrentContext.TestDirectory}.");
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CsharpBlock();

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"(?:\$nc|NativeContrast\.Cli\.dll|dotnet run --project src/NativeContrast\.Cli -c Release --)\s+([a-z].*)$")]
    private static partial Regex CliInvocation();
}
