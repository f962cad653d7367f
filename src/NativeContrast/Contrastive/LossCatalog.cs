namespace NativeContrast.Losses;

/// <summary>
/// Every loss of the engine by name: the one list that the <c>loss</c> and <c>bench</c> commands, the
/// BenchmarkDotNet rows, the tests (fused vs reference, finite differences) and the docs table read. Adding a
/// loss is its class, its composed reference, one entry here and a test case; every command and catalog
/// test then covers it. Softmax losses cost 6·N·M·D (one N×M×D product forward, two backward); triplet
/// mining 2·N²·D per pass (one pass for hard mining, two for semi-hard). HCL with β &gt; 0 needs its products once (the
/// cpu computes both of its scales from the same tiles; ILGPU devices run the passes once per scale).
/// </summary>
public static class LossCatalog
{
    private static readonly string[] Softmax = [nameof(LossOptions.Temperature), nameof(LossOptions.Normalize)];

    /// <summary>The losses, in the order commands list them.</summary>
    public static IReadOnlyList<LossDefinition> All { get; } =
    [
        new("ntxent", "NT-Xent (SimCLR): one set, positive i ± N/2 or given, self excluded; with labels, same-class negatives dropped or attracted; drop-top: the K most similar negatives dropped",
            LossInputKinds.None, LossInputKinds.Positives | LossInputKinds.Labels, [.. Softmax, nameof(LossOptions.FalseNegatives), nameof(LossOptions.TopK)],
            (x, o) => o.FalseNegatives == FalseNegatives.DropTop
                ? new NtXentLoss(o.Temperature, o.Normalize).ForwardDropTop(x.Embeddings, NoLabels(x), o.TopK).Loss
                : x.Labels is { } labels
                ? new NtXentLoss(o.Temperature, o.Normalize).Forward(x.Embeddings, x.Positives, labels, RequireHandling(o))
                : new NtXentLoss(o.Temperature, o.Normalize).Forward(x.Embeddings, x.Positives),
            (x, o) => o.FalseNegatives == FalseNegatives.DropTop
                ? ComposedLosses.NtXentDropTop(x.Embeddings, PositiveIndex(x, NtXentLoss.DefaultPositives), o.TopK, o.Temperature, o.Normalize)
                : x.Labels is { } labels
                ? ComposedLosses.NtXentFalseNegatives(x.Embeddings, PositiveIndex(x, NtXentLoss.DefaultPositives), labels.ToIntArray(), RequireHandling(o), o.Temperature, o.Normalize)
                : ComposedLosses.NtXent(x.Embeddings, PositiveIndex(x, NtXentLoss.DefaultPositives), o.Temperature, o.Normalize),
            (n, m, d, o) => 6.0 * n * n * d),
        new("infonce", "InfoNCE: queries against keys (key i is query i's positive, or given)",
            LossInputKinds.Keys, LossInputKinds.Keys | LossInputKinds.Positives, Softmax,
            (x, o) => new InfoNceLoss(o.Temperature, o.Normalize).Forward(x.Embeddings, x.Keys!, x.Positives),
            (x, o) => ComposedLosses.InfoNce(x.Embeddings, x.Keys!, PositiveIndex(x, Identity), o.Temperature, o.Normalize),
            (n, m, d, o) => 6.0 * n * m * d),
        new("clip", "CLIP: symmetric InfoNCE between two sets of N rows",
            LossInputKinds.Keys, LossInputKinds.Keys, Softmax,
            (x, o) => new ClipLoss(o.Temperature, o.Normalize).Forward(x.Embeddings, x.Keys!),
            (x, o) => ComposedLosses.Clip(x.Embeddings, x.Keys!, o.Temperature, o.Normalize),
            (n, m, d, o) => 6.0 * n * n * d),
        new("supcon", "SupCon (Khosla et al., L_out): rows of one label are positives",
            LossInputKinds.Labels, LossInputKinds.Labels, Softmax,
            (x, o) => new SupConLoss(o.Temperature, o.Normalize).Forward(x.Embeddings, x.Labels!),
            (x, o) => ComposedLosses.SupCon(x.Embeddings, x.Labels!.ToIntArray(), o.Temperature, o.Normalize),
            (n, m, d, o) => 6.0 * n * n * d),
        new("dcl", "DCL (Yeh et al.): NT-Xent with the positive out of its own denominator",
            LossInputKinds.None, LossInputKinds.Positives, Softmax,
            (x, o) => new DecoupledContrastiveLoss(o.Temperature, o.Normalize).Forward(x.Embeddings, x.Positives),
            (x, o) => ComposedLosses.Dcl(x.Embeddings, PositiveIndex(x, NtXentLoss.DefaultPositives), o.Temperature, o.Normalize),
            (n, m, d, o) => 6.0 * n * n * d),
        new("debiased", "debiased contrastive (Chuang et al.): the same-class share τ⁺ of the negatives subtracted",
            LossInputKinds.None, LossInputKinds.Positives, [.. Softmax, nameof(LossOptions.TauPlus)],
            (x, o) => new DebiasedContrastiveLoss(o.TauPlus, 0.0, o.Temperature, o.Normalize).Forward(x.Embeddings, x.Positives),
            (x, o) => ComposedLosses.Debiased(x.Embeddings, PositiveIndex(x, NtXentLoss.DefaultPositives), o.Temperature, o.TauPlus, 0.0, o.Normalize),
            (n, m, d, o) => 6.0 * n * n * d),
        new("hcl", "hard-negative contrastive (Robinson et al.): debiased, negatives weighted by exp(β·S)",
            LossInputKinds.None, LossInputKinds.Positives, [.. Softmax, nameof(LossOptions.TauPlus), nameof(LossOptions.Beta)],
            (x, o) => new DebiasedContrastiveLoss(o.TauPlus, o.Beta, o.Temperature, o.Normalize).Forward(x.Embeddings, x.Positives),
            (x, o) => ComposedLosses.Debiased(x.Embeddings, PositiveIndex(x, NtXentLoss.DefaultPositives), o.Temperature, o.TauPlus, o.Beta, o.Normalize),
            (n, m, d, o) => 6.0 * n * n * d),
        new("triplet", "triplet with batch-hard or semi-hard mining",
            LossInputKinds.Labels, LossInputKinds.Labels,
            [nameof(LossOptions.Margin), nameof(LossOptions.Mining), nameof(LossOptions.Distance), nameof(LossOptions.SoftMargin), nameof(LossOptions.Normalize)],
            (x, o) => new TripletLoss(o.Margin, o.Mining, o.Distance, o.SoftMargin, o.Normalize).Forward(x.Embeddings, x.Labels!),
            (x, o) => o is { Mining: TripletMining.Hard, Distance: DistanceMetric.Euclidean, SoftMargin: false }
                ? ComposedLosses.TripletBatchHard(x.Embeddings, x.Labels!.ToIntArray(), o.Margin, o.Normalize)
                : throw new NotSupportedException("The composed triplet reference covers batch-hard mining with the Euclidean hinge only."),
            (n, m, d, o) => (o.Mining == TripletMining.SemiHard ? 4.0 : 2.0) * n * n * d),
    ];

    /// <summary>The names, in catalog order.</summary>
    public static IEnumerable<string> Names => All.Select(l => l.Name);

    /// <summary>The loss called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No loss has that name; the message lists the names.</exception>
    public static LossDefinition Get(string name) =>
        All.FirstOrDefault(l => l.Name == name)
        ?? throw new ArgumentException($"Unknown loss '{name}'; use {string.Join(", ", Names)}.", nameof(name));

    /// <summary>Labels are read only to handle false negatives: with labels, the handling must say what to do with them.</summary>
    private static FalseNegatives RequireHandling(LossOptions o) => o.FalseNegatives is FalseNegatives.Drop or FalseNegatives.Attract
        ? o.FalseNegatives
        : throw new ArgumentException("NT-Xent reads labels only to drop or attract same-class negatives; say drop or attract (--false-negatives), or give no labels.");

    /// <summary>Drop-top finds its negatives without labels: given labels are refused rather than ignored.</summary>
    private static Tensor? NoLabels(LossArguments x) => x.Labels is null
        ? x.Positives
        : throw new ArgumentException("NT-Xent drop-top reads no labels (it drops each anchor's most similar negatives); give no labels, or say drop or attract.");

    private static Tensor Identity(int n, Device device) => Tensor.FromArray(Enumerable.Range(0, n).ToArray(), [n], device);

    private static int[] PositiveIndex(LossArguments x, Func<int, Device, Tensor> fallback)
    {
        if (x.Positives is { } given) return given.ToIntArray();
        using var positives = fallback(x.Embeddings.Shape[0], x.Embeddings.Device);
        return positives.ToIntArray();
    }
}
