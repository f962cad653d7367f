using System.Globalization;
using NativeContrast.Data;
using NativeContrast.Evaluation;
using NativeContrast.IO;
using NativeContrast.Nn;

namespace NativeContrast.Cli;

/// <summary>The run folder's PNG plots (ScottPlot): the loss per step from log.csv, and the test set's embeddings projected on their top two principal components, coloured by class.</summary>
internal static class RunPlots
{
    public static void Loss(string runFolder)
    {
        var rows = File.ReadLines(Path.Combine(runFolder, "log.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        if (rows.Count == 0) return;
        var steps = rows.Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)).ToArray();
        var losses = rows.Select(r => double.Parse(r[2], CultureInfo.InvariantCulture)).ToArray();
        var plot = new ScottPlot.Plot();
        var line = plot.Add.Scatter(steps, losses);
        line.MarkerSize = 0;
        plot.Title("Training loss");
        plot.XLabel("step");
        plot.YLabel("loss");
        Save(plot, Path.Combine(runFolder, "loss.png"));
    }

    /// <summary>
    /// SimCLR runs: negatives.png, the mean cosine similarity per step of the negatives of the anchor's own class (false
    /// negatives, by the dataset's labels) and of the others, and for drop-top the share of the dropped negatives that are of
    /// the anchor's class, from log.csv's columns (nothing when the log has none).
    /// </summary>
    public static void Negatives(string runFolder)
    {
        var lines = File.ReadLines(Path.Combine(runFolder, "log.csv")).ToList();
        if (lines.Count < 2) return;
        var header = lines[0].Split(',');
        int same = Array.IndexOf(header, "same_class_negative_similarity"), other = Array.IndexOf(header, "other_negative_similarity");
        if (same < 0 || other < 0) return;
        var rows = lines.Skip(1).Select(l => l.Split(',')).Where(r => r.Length > other).ToList();
        double Value(string[] r, int column) => double.Parse(r[column], CultureInfo.InvariantCulture);
        var steps = rows.Select(r => Value(r, 1)).ToArray();
        var plot = new ScottPlot.Plot();
        var sameLine = plot.Add.Scatter(steps, rows.Select(r => Value(r, same)).ToArray());
        sameLine.MarkerSize = 0;
        sameLine.LegendText = "same-class negatives (false negatives)";
        var otherLine = plot.Add.Scatter(steps, rows.Select(r => Value(r, other)).ToArray());
        otherLine.MarkerSize = 0;
        otherLine.LegendText = "other negatives";
        int precision = Array.IndexOf(header, "drop_top_precision");
        if (precision >= 0)
        {
            var precisionLine = plot.Add.Scatter(steps, rows.Select(r => r.Length > precision ? Value(r, precision) : double.NaN).ToArray());
            precisionLine.MarkerSize = 0;
            precisionLine.LegendText = "drop-top: share of the dropped that are same-class";
        }
        plot.ShowLegend();
        plot.Title(precision >= 0 ? "An anchor's negatives: mean cosine similarity, and drop-top's precision" : "Mean cosine similarity of an anchor's negatives");
        plot.XLabel("step");
        plot.YLabel(precision >= 0 ? "cosine similarity; share (drop-top)" : "cosine similarity");
        Save(plot, Path.Combine(runFolder, "negatives.png"));
    }

    public static void Embeddings(string runFolder, Module encoder, ImageDataset test, Device device, int maxPoints = 3000)
    {
        var subset = test.Count > maxPoints ? test.Subset(Enumerable.Range(0, maxPoints).ToArray()) : test;
        var features = Evaluation.Embeddings.Compute(encoder, subset, device, out int dim);
        var (x, y) = Projection.Pca2(features, dim);
        var plot = new ScottPlot.Plot();
        for (int c = 0; c < subset.ClassNames.Count; c++)
        {
            var members = Enumerable.Range(0, subset.Count).Where(i => subset.Labels[i] == c).ToArray();
            if (members.Length == 0) continue;
            var points = plot.Add.ScatterPoints(members.Select(i => x[i]).ToArray(), members.Select(i => y[i]).ToArray());
            points.MarkerSize = 3;
            points.LegendText = subset.ClassNames[c];
        }
        plot.ShowLegend();
        plot.Title($"Test embeddings, first two principal components ({subset.Count} images)");
        Save(plot, Path.Combine(runFolder, "embeddings.png"));
    }

    /// <summary>
    /// neighbours.png: 8 held-out images (chosen by the seed) beside their 8 nearest training images by cosine similarity of
    /// the encoder's embeddings, among the first 10,000 training images; captions give similarity and class (when labelled).
    /// </summary>
    public static void Neighbours(string runFolder, Module encoder, ImageDataset train, ImageDataset test, Device device, int seed, CancellationToken cancel = default)
    {
        var gallery = train.Count > 10_000 ? train.Subset(Enumerable.Range(0, 10_000).ToArray()) : train;
        var galleryFeatures = Evaluation.Embeddings.Compute(encoder, gallery, device, out int dim, cancel: cancel);
        var picked = Enumerable.Range(0, test.Count).OrderBy(i => Seeds.Mix(seed, i, 0x4E1)).Take(Math.Min(8, test.Count)).ToArray();
        var queries = test.Subset(picked);
        var queryFeatures = Evaluation.Embeddings.Compute(encoder, queries, device, out _, cancel: cancel);
        var index = new EmbeddingIndex(dim);
        index.Add(galleryFeatures, Enumerable.Range(0, gallery.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
        var hits = index.Search(queryFeatures, queries.Count, 8);
        string Class(ImageDataset d, int i) => d.IsLabelled ? d.ClassNames[d.Labels[i]] : d.Files?[i] ?? $"#{i}";
        var rows = Enumerable.Range(0, queries.Count).Select(q => (GridTile.FromDataset(queries, q, "held out", Class(queries, q)),
            (IReadOnlyList<GridTile>)hits[q].Select((h, r) => GridTile.FromDataset(gallery, h.Row, string.Create(CultureInfo.InvariantCulture, $"{r + 1}. {h.Similarity:F3}"), Class(gallery, h.Row))).ToList()))
            .ToList();
        SearchGrid.Write(Path.Combine(runFolder, "neighbours.png"), rows, "Held-out images (left) and their nearest training images");
    }

    /// <summary>Written to a temporary file and renamed, like every file of a run.</summary>
    private static void Save(ScottPlot.Plot plot, string path) => AtomicFile.WriteAllBytes(path, plot.GetImageBytes(900, 600, ScottPlot.ImageFormat.Png));
}
