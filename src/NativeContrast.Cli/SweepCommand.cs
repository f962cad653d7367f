using System.CommandLine;
using System.Globalization;

namespace NativeContrast.Cli;

/// <summary>
/// <c>nativecontrast sweep --grid "temperature=0.1,0.2;lr=0.1,0.3" [--out DIR] [any train options]</c>: trains every
/// combination of the grid, one after another, each into DIR/&lt;setting-value_…&gt;/ with the same <c>train</c> command
/// (called in-process, nothing copied). Resumable: a combination whose run finished is skipped, one that stopped is
/// resumed. Ends with the runs ranked by kNN (k = 20).
/// </summary>
internal static class SweepCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var grid = new Option<string>("--grid") { Description = "SETTING=V1,V2;SETTING=… (train options without the dashes), e.g. \"temperature=0.1,0.2;lr=0.1,0.3\".", Required = true };
        var outFolder = new Option<string?>("--out") { Description = "The sweep's folder (default runs/sweep-<time>); run the same command again to continue it." };
        var command = new Command("sweep", "Train every combination of a grid of settings (resumable), then rank the runs. Other options go to train.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Options.Add(grid);
        command.Options.Add(outFolder);
        command.SetAction(parse =>
        {
            var trainOptions = TrainCommand.Create(TextWriter.Null, TextWriter.Null).Options.Select(o => o.Name.TrimStart('-')).Where(n => n is not ("out" or "resume" or "overwrite" or "help" or "h" or "?")).ToHashSet();
            var sweep = SweepGrid.Parse(parse.GetValue(grid)!, trainOptions);
            var common = parse.UnmatchedTokens.ToArray();
            foreach (var forbidden in new[] { "--out", "--resume", "--overwrite" })
                if (common.Contains(forbidden)) throw new ArgumentException($"sweep names each run's folder itself: {forbidden} cannot go to train (use sweep --out DIR for the sweep's folder).");
            var given = common.Where(t => t.StartsWith("--", StringComparison.Ordinal)).Select(t => t[2..]).Intersect(sweep.Axes.Select(a => a.Setting)).ToList();
            if (given.Count > 0) throw new ArgumentException($"--{given[0]} is both in --grid and given to train; keep one.");
            var root = parse.GetValue(outFolder) ?? Path.Combine("runs", $"sweep-{DateTime.Now:yyyyMMdd-HHmmss}");
            Directory.CreateDirectory(root);
            output.WriteLine($"sweep {sweep} into {root}{(common.Length > 0 ? ", each with " + string.Join(' ', common) : "")}");
            var results = new List<(string Name, string State)>();
            int index = 0;
            foreach (var (name, settings) in sweep.Combinations())
            {
                index++;
                var folder = Path.Combine(root, name);
                string[] args;
                if (File.Exists(Path.Combine(folder, "metrics.json")))
                {
                    output.WriteLine($"[{index}/{sweep.Count}] {name}: finished earlier, skipped");
                    results.Add((name, "finished earlier"));
                    continue;
                }
                if (File.Exists(Path.Combine(folder, "config.json")))
                {
                    output.WriteLine($"[{index}/{sweep.Count}] {name}: continuing the stopped run");
                    args = ["train", "--resume", folder];
                }
                else
                {
                    output.WriteLine($"[{index}/{sweep.Count}] {name}: training");
                    args = ["train", .. common, .. settings, "--out", folder];
                }
                int code = CommandLine.Run(args, output, error);
                if (code == CommandLine.Interrupted) return code;
                if (code == CommandLine.UsageError && index == 1 && !File.Exists(Path.Combine(folder, "config.json")))
                    return code; // the first run's options are wrong: the others' are too
                results.Add((name, code == 0 ? "finished" : $"failed (exit {code})"));
            }
            output.WriteLine();
            Rank(output, root, results);
            return results.Any(r => r.State.StartsWith("failed", StringComparison.Ordinal)) ? CommandLine.RuntimeFailure : 0;
        });
        return command;
    }

    /// <summary>The runs ranked by kNN (k = 20), then probe, best first; runs without it (failed) last.</summary>
    private static void Rank(TextWriter output, string root, List<(string Name, string State)> results)
    {
        var rows = results.Select(r =>
        {
            var metrics = EvalCommand.ReadMetrics(Path.Combine(root, r.Name));
            double Value(string key) => metrics.TryGetValue(key, out var v) && v is double d ? d : double.NaN;
            return (r.Name, r.State, Knn: Value("knn_top20"), Probe: Value("linear_probe"), Seconds: Value("train_seconds"));
        }).OrderByDescending(r => double.IsNaN(r.Knn) ? double.NegativeInfinity : r.Knn)
          .ThenByDescending(r => double.IsNaN(r.Probe) ? double.NegativeInfinity : r.Probe).ToList();
        string Percent(double v) => double.IsNaN(v) ? "—" : (v * 100).ToString("F2", CultureInfo.InvariantCulture);
        string Time(double s) => double.IsNaN(s) ? "—" : TimeSpan.FromSeconds(s).ToString(@"m\:ss", CultureInfo.InvariantCulture);
        var table = rows.Select((r, i) => new[] { (i + 1).ToString(CultureInfo.InvariantCulture), r.Name, Percent(r.Knn), Percent(r.Probe), Time(r.Seconds), r.State }).ToList();
        RunsCommand.WriteTable(output, ["rank", "setting", "kNN@20", "probe", "time", "state"], table);
    }
}
