using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NativeContrast.IO;
using NativeContrast.Training;

namespace NativeContrast.Cli;

/// <summary>
/// <c>nativecontrast runs [DIR]</c>: every run under a folder (a folder with a config.json) as one aligned table row:
/// objective, encoder, key settings, epochs done, kNN and probe (with the raw-pixel kNN when evaluated), wall time and
/// state. <c>runs compare A B …</c>: the settings that differ, the metrics side by side, and one PNG of their loss curves.
/// Reads only; writes nothing into the runs.
/// </summary>
internal static class RunsCommand
{
    public static Command Create(TextWriter output)
    {
        var folder = new Argument<string>("DIR") { Description = "The folder to look in (runs under it, up to 3 levels down).", DefaultValueFactory = _ => "runs", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "One JSON object per run instead of the table." };
        var command = new Command("runs", "List the training runs under a folder (or compare some: runs compare A B …).");
        command.Arguments.Add(folder);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var root = parse.GetValue(folder)!;
            if (!Directory.Exists(root)) throw new ArgumentException($"'{root}' is not a folder; name the folder that holds your runs (default: runs).");
            var runs = Find(root).Select(Summarize).ToList();
            if (parse.GetValue(json))
            {
                foreach (var r in runs) output.WriteLine(JsonSerializer.Serialize(r.Json(root)));
                return 0;
            }
            if (runs.Count == 0)
            {
                output.WriteLine($"no runs under {root} (a run is a folder with a config.json; start one with: nativecontrast train)");
                return 0;
            }
            WriteTable(output, ["run", "objective", "encoder", "batch", "lr", "τ", "seed", "epochs", "kNN@20", "probe", "raw kNN@20", "time", "state"],
                runs.Select(r => r.Row(root)).ToList());
            return 0;
        });
        command.Subcommands.Add(Compare(output));
        return command;
    }

    private static Command Compare(TextWriter output)
    {
        var folders = new Argument<string[]>("RUN") { Description = "Two or more run folders.", Arity = ArgumentArity.OneOrMore };
        var png = new Option<string?>("--out") { Description = "Where to write the loss curves (PNG; default compare-<time>.png here). An existing file is refused." };
        var command = new Command("compare", "Compare runs: the settings that differ, their metrics side by side, their loss curves in one PNG.");
        command.Arguments.Add(folders);
        command.Options.Add(png);
        command.SetAction(parse =>
        {
            var names = parse.GetValue(folders)!;
            if (names.Length < 2) throw new ArgumentException($"runs compare needs at least two run folders; got {names.Length}.");
            var runs = names.Select(n => Directory.Exists(n) && File.Exists(Path.Combine(n, "config.json"))
                ? Summarize(n)
                : throw new ArgumentException($"'{n}' is not a run folder: it has no config.json.")).ToList();
            var outPath = parse.GetValue(png) ?? $"compare-{DateTime.Now:yyyyMMdd-HHmmss}.png";
            if (File.Exists(outPath)) throw new ArgumentException($"--out '{outPath}' exists; name another file.");

            var settings = runs.Select(r => Settings(r.Folder)).ToList();
            var differing = settings.SelectMany(s => s.Keys).Distinct().Where(k => settings.Select(s => s.GetValueOrDefault(k, "")).Distinct().Count() > 1).ToList();
            var header = new List<string> { "" };
            header.AddRange(runs.Select(r => r.Folder));
            var rows = new List<string[]>();
            foreach (var key in differing) rows.Add([key, .. settings.Select(s => s.GetValueOrDefault(key, "—"))]);
            if (differing.Count == 0) rows.Add(["(settings)", .. runs.Select(_ => "the same")]);
            foreach (var (key, label) in MetricRows)
                if (runs.Any(r => r.Metrics.ContainsKey(key)))
                    rows.Add([label, .. runs.Select(r => r.Metrics.TryGetValue(key, out var v) && v is double d ? Format(key, d) : "—")]);
            rows.Add(["state", .. runs.Select(r => r.State)]);
            WriteTable(output, header, rows);
            WriteLossCurves(runs, outPath);
            output.WriteLine($"loss curves: {outPath}");
            return 0;
        });
        return command;
    }

    /// <summary>metrics.json keys shown by compare, with their labels.</summary>
    private static readonly (string Key, string Label)[] MetricRows =
    [
        ("knn_top20", "kNN@20"), ("knn_top200", "kNN@200"), ("linear_probe", "linear probe"), ("map_at_r", "MAP@R"),
        ("raw_pixels_knn_top20", "raw kNN@20"), ("alignment", "alignment"), ("uniformity", "uniformity"),
        ("last_epoch_same_class_negative_similarity", "same-class neg. sim."), ("last_epoch_other_negative_similarity", "other neg. sim."),
        ("last_epoch_drop_top_precision", "drop-top precision"), ("train_seconds", "train time"),
    ];

    private static string Format(string key, double value) => key switch
    {
        "train_seconds" => Duration(value),
        "alignment" or "uniformity" or "last_epoch_same_class_negative_similarity" or "last_epoch_other_negative_similarity" => value.ToString("F3", CultureInfo.InvariantCulture),
        _ => (value * 100).ToString("F2", CultureInfo.InvariantCulture) + " %",
    };

    private static string Duration(double seconds) => TimeSpan.FromSeconds(seconds).ToString(seconds >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);

    /// <summary>The folders under <paramref name="root"/> (itself included, 3 levels down) that hold a config.json, sorted.</summary>
    private static IEnumerable<string> Find(string root)
    {
        var found = new List<string>();
        void Walk(string dir, int depth)
        {
            if (File.Exists(Path.Combine(dir, "config.json"))) found.Add(dir);
            if (depth == 3) return;
            foreach (var sub in Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal)) Walk(sub, depth + 1);
        }
        Walk(root, 0);
        return found;
    }

    private sealed record RunSummary(string Folder, TrainingConfig? Config, Dictionary<string, object> Metrics, int EpochsLogged, string State)
    {
        public string[] Row(string root) =>
        [
            Relative(root),
            Config?.Objective ?? "?",
            Config is null ? "?" : Names.Of(Config.Encoder),
            Config?.BatchSize.ToString(CultureInfo.InvariantCulture) ?? "?",
            Config is null ? "?" : Config.EffectiveLearningRate.ToString("G3", CultureInfo.InvariantCulture),
            Config is null ? "?" : Config.Temperature.ToString("G3", CultureInfo.InvariantCulture),
            Config?.Seed.ToString(CultureInfo.InvariantCulture) ?? "?",
            Config is null ? $"{EpochsLogged}" : $"{EpochsLogged}/{Config.Epochs}",
            Percent("knn_top20"), Percent("linear_probe"), Percent("raw_pixels_knn_top20"),
            Metrics.TryGetValue("train_seconds", out var t) && t is double s ? Duration(s) : "—",
            State,
        ];

        public Dictionary<string, object?> Json(string root)
        {
            var json = new Dictionary<string, object?>
            {
                ["run"] = Relative(root),
                ["objective"] = Config?.Objective,
                ["encoder"] = Config is null ? null : Names.Of(Config.Encoder),
                ["batch_size"] = Config?.BatchSize,
                ["learning_rate"] = Config?.EffectiveLearningRate,
                ["temperature"] = Config?.Temperature,
                ["seed"] = Config?.Seed,
                ["epochs"] = Config?.Epochs,
                ["epochs_logged"] = EpochsLogged,
                ["state"] = State,
            };
            foreach (var (key, value) in Metrics) json.TryAdd(key, value);
            return json;
        }

        private string Relative(string root) => Path.GetRelativePath(root, Folder) is "." ? Folder : Path.GetRelativePath(root, Folder);

        private string Percent(string key) => Metrics.TryGetValue(key, out var v) && v is double d ? (d * 100).ToString("F2", CultureInfo.InvariantCulture) : "—";
    }

    private static RunSummary Summarize(string folder)
    {
        TrainingConfig? config = null;
        string? problem = null;
        try
        {
            config = Trainer.ReadConfig(folder);
        }
        catch (Exception e) when (e is IOException or JsonException or ArgumentException or InvalidDataException)
        {
            problem = "config.json unreadable";
        }
        var metrics = EvalCommand.ReadMetrics(folder);
        int epochs = EpochsLogged(folder);
        string state = problem ?? (metrics.ContainsKey("knn_top20") || metrics.ContainsKey("train_seconds") ? "finished"
            : File.Exists(Path.Combine(folder, Checkpoint.FileName)) ? "unfinished (running, or stopped: --resume)" : "no checkpoint yet");
        return new RunSummary(folder, config, metrics, epochs, state);
    }

    /// <summary>The last epoch log.csv has a row of (0 without a log).</summary>
    private static int EpochsLogged(string folder)
    {
        var log = Path.Combine(folder, "log.csv");
        if (!File.Exists(log)) return 0;
        var last = File.ReadLines(log).Skip(1).LastOrDefault();
        return last is not null && int.TryParse(last.Split(',')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int epoch) ? epoch : 0;
    }

    /// <summary>Settings as config.json spells them, flattened to name → value text.</summary>
    private static Dictionary<string, string> Settings(string folder)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.json")));
        return json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
    }

    /// <summary>An aligned text table: columns padded to their widest cell, two spaces apart.</summary>
    internal static void WriteTable(TextWriter output, IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => c < r.Length ? r[c].Length : 0))).ToArray();
        string Line(IReadOnlyList<string> cells) => string.Join("  ", cells.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd();
        output.WriteLine(Line(header));
        foreach (var row in rows) output.WriteLine(Line(row));
    }

    private static void WriteLossCurves(IReadOnlyList<RunSummary> runs, string path)
    {
        var plot = new ScottPlot.Plot();
        foreach (var run in runs)
        {
            var log = Path.Combine(run.Folder, "log.csv");
            if (!File.Exists(log)) continue;
            var rows = File.ReadLines(log).Skip(1).Select(l => l.Split(',')).Where(r => r.Length >= 3).ToList();
            if (rows.Count == 0) continue;
            var line = plot.Add.Scatter(
                rows.Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)).ToArray(),
                rows.Select(r => double.Parse(r[2], CultureInfo.InvariantCulture)).ToArray());
            line.MarkerSize = 0;
            line.LegendText = $"{run.Folder} ({run.Config?.Objective ?? "?"})";
        }
        // Upper right: loss curves fall, so that corner is empty (the default, lower right, covered their ends).
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.Title("Training loss");
        plot.XLabel("step");
        plot.YLabel("loss");
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(1000, 600, ScottPlot.ImageFormat.Png));
    }
}
