using System.Globalization;

namespace NativeContrast.Cli;

/// <summary>
/// A sweep's grid, <c>"temperature=0.1,0.2;lr=0.1,0.3"</c>: settings (train option names without the dashes) separated by
/// semicolons, each with comma-separated values; the combinations in order (the last setting varies fastest), each with
/// the train options it adds and a folder name made of its settings.
/// </summary>
internal sealed record SweepGrid(IReadOnlyList<(string Setting, IReadOnlyList<string> Values)> Axes)
{
    /// <summary>Parses the grid; names not in <paramref name="trainOptions"/> (without dashes) are refused with the list.</summary>
    public static SweepGrid Parse(string text, IReadOnlyCollection<string> trainOptions)
    {
        var axes = new List<(string, IReadOnlyList<string>)>();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0 || eq == part.Length - 1)
                throw new ArgumentException($"--grid: '{part}' is not SETTING=V1,V2,… (e.g. \"temperature=0.1,0.2;lr=0.1,0.3\").");
            string setting = part[..eq].Trim().TrimStart('-');
            if (!trainOptions.Contains(setting))
                throw new ArgumentException($"--grid: '{setting}' is not a train option; use one of {string.Join(", ", trainOptions.Order(StringComparer.Ordinal))}.");
            if (axes.Any(a => a.Item1 == setting)) throw new ArgumentException($"--grid: '{setting}' is given twice.");
            var values = part[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (values.Length == 0) throw new ArgumentException($"--grid: '{setting}' has no values.");
            if (values.Distinct().Count() != values.Length) throw new ArgumentException($"--grid: '{setting}' repeats a value.");
            axes.Add((setting, values));
        }
        if (axes.Count == 0) throw new ArgumentException("--grid is empty; give SETTING=V1,V2,… (e.g. \"temperature=0.1,0.2\").");
        return new SweepGrid(axes);
    }

    /// <summary>The combinations: (folder name, train arguments), the last axis varying fastest.</summary>
    public IEnumerable<(string Name, string[] Arguments)> Combinations()
    {
        IEnumerable<List<(string Setting, string Value)>> all = [[]];
        foreach (var (setting, values) in Axes)
            all = all.SelectMany(prefix => values.Select(v => new List<(string, string)>(prefix) { (setting, v) }));
        foreach (var combination in all)
        {
            string name = string.Join("_", combination.Select(c => $"{c.Setting}-{Safe(c.Value)}"));
            var arguments = combination.SelectMany(c => new[] { "--" + c.Setting, c.Value }).ToArray();
            yield return (name, arguments);
        }
    }

    /// <summary>A value as part of a folder name (path separators and spaces replaced).</summary>
    private static string Safe(string value) => string.Concat(value.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '+' ? c : '_'));

    public int Count => Axes.Aggregate(1, (n, a) => n * a.Values.Count);

    public override string ToString() => string.Join("; ", Axes.Select(a => $"{a.Setting}={string.Join(",", a.Values)}"))
        + string.Create(CultureInfo.InvariantCulture, $" ({Count} runs)");
}
