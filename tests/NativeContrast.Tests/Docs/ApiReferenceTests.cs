using System.Text.RegularExpressions;

namespace NativeContrast.Tests.Docs;

/// <summary>
/// docs/API.md (made by docs/make-api.py) names every public type of the engine under its namespace, and the README's
/// "Use from your app" code is the sample's (samples/ImageSearch/Program.cs, which the solution builds).
/// </summary>
public class ApiReferenceTests
{
    [Test]
    public void ApiReference_ListsEveryPublicType_UnderItsNamespace()
    {
        string api = File.ReadAllText(Path.Combine(ReadmeExampleTests.RepositoryRoot(), "docs", "API.md"));
        var listed = new HashSet<string>();
        string? ns = null;
        foreach (var line in api.Split('\n'))
        {
            if (line.StartsWith("## ")) ns = line[3..].Trim();
            else if (Regex.Match(line, @"^### `(.+)`") is { Success: true } m) listed.Add($"{ns}.{m.Groups[1].Value}");
        }
        var types = typeof(Tensor).Assembly.GetExportedTypes().Select(t => t.FullName!.Replace('+', '.')).ToList();
        Assert.That(types, Has.Count.GreaterThan(50), "the engine's public types");
        Assert.That(types.Where(t => !listed.Contains(t)), Is.Empty, "public types missing from docs/API.md: run docs/make-api.py after a Release build");
        Assert.That(listed.Where(t => !types.Contains(t)), Is.Empty, "types in docs/API.md that are no longer public");
    }

    [Test]
    public void ReadmesAppCode_IsTheSamplesCode()
    {
        string root = ReadmeExampleTests.RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var block = Regex.Match(readme, @"## Use from your app.*?```cs\n(.*?)```", RegexOptions.Singleline);
        Assert.That(block.Success, Is.True, "the README's \"Use from your app\" section has a ```cs block");
        var sample = File.ReadAllLines(Path.Combine(root, "samples", "ImageSearch", "Program.cs")).Select(l => l.Trim()).ToList();
        int at = 0;
        foreach (var line in block.Groups[1].Value.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            at = sample.IndexOf(line, at);
            Assert.That(at, Is.GreaterThanOrEqualTo(0), $"README line not in samples/ImageSearch/Program.cs (in this order): {line}");
            at++;
        }
    }
}
