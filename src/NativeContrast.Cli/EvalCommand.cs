using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NativeContrast.Evaluation;
using NativeContrast.IO;
using NativeContrast.Training;

namespace NativeContrast.Cli;

/// <summary><c>nativecontrast eval --run DIR</c>: kNN, linear probe and retrieval metrics of a run's encoder on the test split; writes metrics.json.</summary>
internal static class EvalCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var run = new Option<string>("--run") { Description = "Run folder (config.json and checkpoint.safetensors).", Required = true };
        var data = new Option<string?>("--data") { Description = "Folder holding the Fashion-MNIST files, if not where training found them." };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => "auto" };
        var command = new Command("eval", "Evaluate a trained encoder: kNN (k = 20, 200), linear probe, retrieval.");
        foreach (var o in new Option[] { run, data, device }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(run)!;
            using var ctrlC = new CtrlC(error, "stopping the evaluation (Ctrl-C again to abort)…");
            var config = Trainer.ReadConfig(folder);
            if (parse.GetValue(data) is { } d) config = config with { DataFolder = d };
            using var dev = Device.Create(parse.GetValue(device)!, output);
            var (train, test) = TrainingData.Load(config, output);
            var checkpoint = Checkpoint.Load(Path.Combine(folder, Checkpoint.FileName), dev);
            using var encoder = TrainingModels.Encoder(config, train.Channels, dev);
            try
            {
                encoder.LoadStateDict(checkpoint.Section("encoder."));
            }
            finally
            {
                foreach (var t in checkpoint.Tensors.Values) t.Dispose();
            }
            var report = Evaluator.Run(encoder, train, test, dev, output, ctrlC.Token, Trainer.Augmentation(config, test));
            ctrlC.Token.ThrowIfCancellationRequested();
            RunPlots.Embeddings(folder, encoder, test, dev);
            RunPlots.Neighbours(folder, encoder, train, test, dev, config.Seed, ctrlC.Token);
            // What training wrote there (its time, its loss, the false-negative picture) stays; the evaluation's keys are replaced.
            var metrics = ReadMetrics(folder);
            metrics["method"] = Names.Of(config.Method);
            metrics["encoder"] = Names.Of(config.Encoder);
            metrics["device"] = dev.Name;
            metrics["epochs"] = checkpoint.Epoch;
            AddReport(metrics, report);
            AtomicFile.WriteAllText(Path.Combine(folder, "metrics.json"), JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));
            if (double.IsFinite(report.KnnTop20))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"test accuracy: kNN (k=20) {report.KnnTop20:P2}, kNN (k=200) {report.KnnTop200:P2}, linear probe {report.LinearProbe:P2}; precision@1 {report.PrecisionAt1:P2}, R-precision {report.RPrecision:P2}, MAP@R {report.MapAtR:P2}"));
                output.WriteLine(AgainstRawPixels(report.KnnTop20, report.RawKnnTop20, report.LinearProbe, report.RawLinearProbe));
            }
            else
            {
                output.WriteLine(OwnViewSummary(report.ViewRetrievalTop1, report.ViewRetrievalTop5, report.Alignment, report.Uniformity));
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Train's closing line of test accuracy, from the evaluation itself (metrics.json rounds to 5 digits, and a percentage
    /// rounded again from that can differ in its last digit from the evaluation's own line: 0.392153 gave 39.22 there and,
    /// through 0.39215, 39.21 here).
    /// </summary>
    internal static string TrainSummary(EvaluationReport r) => string.Create(CultureInfo.InvariantCulture,
        $"test accuracy: kNN (k=20) {r.KnnTop20:P2}, kNN (k=200) {r.KnnTop200:P2}, linear probe {r.LinearProbe:P2}; retrieval MAP@R {r.MapAtR:P2}");

    /// <summary>The summary's line against the raw pixels: "against raw pixels: kNN (k=20) 85.54 % → −2.65 points, linear probe …".</summary>
    internal static string AgainstRawPixels(double knn, double rawKnn, double probe, double rawProbe) => string.Create(CultureInfo.InvariantCulture,
        $"against raw pixels: kNN (k=20) {rawKnn:P2} → encoder {Evaluator.Points(knn, rawKnn)}, linear probe {rawProbe:P2} → encoder {Evaluator.Points(probe, rawProbe)}");

    /// <summary>The run's metrics.json as name → value (numbers as double, the rest as strings); empty when it has none.</summary>
    internal static Dictionary<string, object> ReadMetrics(string runFolder)
    {
        var path = Path.Combine(runFolder, "metrics.json");
        var metrics = new Dictionary<string, object>();
        if (!File.Exists(path)) return metrics;
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var p in json.RootElement.EnumerateObject())
            metrics[p.Name] = p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble() : p.Value.ToString();
        return metrics;
    }

    /// <summary>The summary line of an evaluation without labels.</summary>
    internal static string OwnViewSummary(double top1, double top5, double alignment, double uniformity) => string.Create(CultureInfo.InvariantCulture,
        $"held-out images (no labels): own-view retrieval top-1 {top1:P2}, top-5 {top5:P2}; alignment {alignment:F3}, uniformity {uniformity:F3}");

    internal static void AddReport(Dictionary<string, object> metrics, EvaluationReport r)
    {
        // An unlabelled dataset has no kNN, probe or class retrieval (NaN): those keys are left out.
        foreach (var (key, value) in new[] { ("knn_top20", r.KnnTop20), ("knn_top200", r.KnnTop200), ("linear_probe", r.LinearProbe),
                     ("precision_at_1", r.PrecisionAt1), ("r_precision", r.RPrecision), ("map_at_r", r.MapAtR),
                     ("view_retrieval_top1", r.ViewRetrievalTop1), ("view_retrieval_top5", r.ViewRetrievalTop5) })
            if (double.IsFinite(value)) metrics[key] = Math.Round(value, 5);
        if (double.IsFinite(r.LinearProbePenalty)) metrics["linear_probe_penalty"] = r.LinearProbePenalty;
        if (double.IsFinite(r.RawKnnTop20))
        {
            metrics["raw_pixels_knn_top20"] = Math.Round(r.RawKnnTop20, 5);
            metrics["raw_pixels_knn_top200"] = Math.Round(r.RawKnnTop200, 5);
            metrics["raw_pixels_linear_probe"] = Math.Round(r.RawLinearProbe, 5);
        }
        if (double.IsFinite(r.Uniformity)) metrics["uniformity"] = Math.Round(r.Uniformity, 5);
        if (double.IsFinite(r.Alignment)) metrics["alignment"] = Math.Round(r.Alignment, 5);
        metrics["eval_seconds"] = Math.Round(r.Seconds, 1);
    }
}
