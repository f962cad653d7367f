using System.Diagnostics;
using NativeContrast.Augmentation;
using NativeContrast.Data;
using NativeContrast.Nn;

namespace NativeContrast.Evaluation;

/// <summary>
/// The standard evaluation of a frozen encoder: weighted kNN (k = 20 and 200) and a linear probe trained
/// on the training split's representations and scored on the test split, and retrieval metrics within
/// the test split.
/// </summary>
public static class Evaluator
{
    /// <summary>
    /// Images nobody labelled: no kNN, probe or class retrieval (said so), but the test images' uniformity and, with the
    /// training views, their alignment and the retrieval of each image's own other view (top-1, top-5).
    /// </summary>
    private static EvaluationReport RunWithoutLabels(Module encoder, ImageDataset test, Device device, TextWriter? log, CancellationToken cancel,
        AugmentationPipeline? augmentation, Stopwatch clock)
    {
        log?.WriteLine($"evaluating {test.Count} held-out images without labels: kNN, linear probe and retrieval by class need labels and are skipped");
        var features = Embeddings.Compute(encoder, test, device, out int dim, cancel: cancel);
        double uniformity = EmbeddingGeometry.Uniformity(features, test.Count, dim, device);
        double alignment = double.NaN;
        (double Top1, double Top5) views = (double.NaN, double.NaN);
        if (augmentation is not null)
        {
            (alignment, views.Top1, views.Top5) = EmbeddingGeometry.ViewMeasures(encoder, test, augmentation, device, cancel: cancel);
            log?.WriteLine(FormattableString.Invariant($"  own-view retrieval among {test.Count} images: top-1 {views.Top1:P2}, top-5 {views.Top5:P2}"));
        }
        log?.WriteLine(Geometry(uniformity, alignment));
        return new EvaluationReport(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, clock.Elapsed.TotalSeconds, uniformity, alignment,
            ViewRetrievalTop1: views.Top1, ViewRetrievalTop5: views.Top5);
    }

    /// <summary>The geometry line (alignment only when measured).</summary>
    private static string Geometry(double uniformity, double alignment) =>
        FormattableString.Invariant($"  geometry: uniformity {uniformity:F3}{(double.IsNaN(alignment) ? "" : $", alignment {alignment:F3}")} (lower is better for both)");

    /// <summary>The encoder's accuracy against the raw pixels', in percentage points with a sign ("+1.23 points").</summary>
    public static string Points(double encoder, double raw) => FormattableString.Invariant($"{(encoder - raw) * 100:+0.00;−0.00;0.00} points");

    /// <summary>
    /// Runs the evaluation; <paramref name="cancel"/> is checked between batches (OperationCanceledException). The test
    /// embeddings' uniformity is always reported; their alignment when <paramref name="augmentation"/> (the training views) is given.
    /// </summary>
    public static EvaluationReport Run(Module encoder, ImageDataset train, ImageDataset test, Device device, TextWriter? log = null, CancellationToken cancel = default,
        AugmentationPipeline? augmentation = null, bool rawPixels = true)
    {
        var clock = Stopwatch.StartNew();
        if (!train.IsLabelled || !test.IsLabelled) return RunWithoutLabels(encoder, test, device, log, cancel, augmentation, clock);
        log?.WriteLine($"evaluating: embedding {train.Count} training and {test.Count} test images");
        var trainFeatures = Embeddings.Compute(encoder, train, device, out int dim, cancel: cancel);
        var testFeatures = Embeddings.Compute(encoder, test, device, out _, cancel: cancel);
        cancel.ThrowIfCancellationRequested();
        int classes = Math.Max(train.ClassNames.Count, test.ClassNames.Count);
        var knn = KnnClassifier.Accuracy(trainFeatures, train.Labels, testFeatures, test.Labels, dim, classes, [20, 200]);
        log?.WriteLine($"  kNN: k=20 {knn[20]:P2}, k=200 {knn[200]:P2}");
        var fit = LinearProbe.Fit(trainFeatures, train.Labels, testFeatures, test.Labels, dim, classes, cancel);
        double probe = fit.Accuracy;
        log?.WriteLine(FormattableString.Invariant($"  linear probe: {probe:P2} (L2 penalty {fit.Penalty:G2}{(fit.HeldOutAccuracies.Count > 0 ? ", chosen on a held-out sixth of the training set" : "")})"));
        var (p1, rp, map) = RetrievalMetrics.Compute(testFeatures, test.Labels, dim);
        log?.WriteLine($"  retrieval: precision@1 {p1:P2}, R-precision {rp:P2}, MAP@R {map:P2}");
        double uniformity = EmbeddingGeometry.Uniformity(testFeatures, test.Count, dim, device);
        double alignment = augmentation is null ? double.NaN : EmbeddingGeometry.Alignment(encoder, test, augmentation, device, cancel: cancel);
        log?.WriteLine(Geometry(uniformity, alignment));
        var raw = rawPixels ? RawPixelBaseline.Run(train, test, cancel) : (KnnTop20: double.NaN, KnnTop200: double.NaN, LinearProbe: double.NaN);
        if (rawPixels)
            log?.WriteLine(FormattableString.Invariant(
                $"  raw pixels (standardized): kNN k=20 {raw.KnnTop20:P2} (encoder {Points(knn[20], raw.KnnTop20)}), k=200 {raw.KnnTop200:P2} (encoder {Points(knn[200], raw.KnnTop200)}), linear probe {raw.LinearProbe:P2} (encoder {Points(probe, raw.LinearProbe)})"));
        return new EvaluationReport(knn[20], knn[200], probe, p1, rp, map, clock.Elapsed.TotalSeconds, uniformity, alignment, raw.KnnTop20, raw.KnnTop200, raw.LinearProbe,
            LinearProbePenalty: fit.Penalty);
    }
}
