using NativeContrast.Losses;

namespace NativeContrast.Tests.Support;

/// <summary>
/// The checks every <see cref="LossDefinition"/> goes through, whether it comes from <see cref="LossCatalog"/> or
/// from a test: fused against its composed reference in float64 (loss and every input's gradient), and the
/// fused backward against central finite differences. Inputs follow the entry: embeddings [N, D], keys [M, D]
/// when it reads keys (M = N for CLIP-style losses that take no positives), labels i mod 3 when it reads labels.
/// </summary>
public static class CatalogLossCheck
{
    /// <summary>The loss as an <see cref="OpCase"/> on N rows of D dimensions (and M keys when it reads keys).</summary>
    public static OpCase AsOpCase(LossDefinition loss, LossOptions options, int n, int m, int d)
    {
        bool keys = loss.Requires.HasFlag(LossInputKinds.Keys);
        int[][] shapes = keys ? [[n, d], [KeyRows(loss, n, m), d]] : [[n, d]];
        return new OpCase($"{loss.Name} via the catalog, {n}×{d}", shapes, (x, device) => loss.Fused(Arguments(loss, x, device), options));
    }

    /// <summary>Fused and reference on the same float64 leaves: the loss to 1e-9 relative, gradients to 1e-10 + 1e-7 relative.</summary>
    public static void AssertFusedEqualsReference(LossDefinition loss, LossOptions options, int n, int m, int d, int seed)
    {
        var c = AsOpCase(loss, options, n, m, d);
        var values = c.Inputs(seed);
        (double Loss, double[][] Grads) Run(Func<LossArguments, LossOptions, Tensor> compute)
        {
            using var scope = TensorScope.Begin();
            var leaves = values.Select((v, i) => Tensor.FromArray(v, c.Shapes[i], Device.Cpu, requiresGrad: true)).ToArray();
            var l = compute(Arguments(loss, leaves, Device.Cpu), options);
            l.Backward();
            return (l.Item(), leaves.Select(t => t.Grad!.ToDoubleArray()).ToArray());
        }
        var fused = Run(loss.Fused);
        var reference = Run(loss.Reference);
        Assert.That(fused.Loss, Is.EqualTo(reference.Loss).Within(1e-9 * Math.Max(1, Math.Abs(reference.Loss))), $"{loss.Name}: loss");
        for (int i = 0; i < fused.Grads.Length; i++)
            Close.Assert(fused.Grads[i], reference.Grads[i], 1e-10, 1e-7, $"{loss.Name}: gradient of input {i}");
    }

    /// <summary>The fused backward against finite differences (the tolerances of the op gradient checks).</summary>
    public static void AssertBackwardMatchesFiniteDifferences(LossDefinition loss, LossOptions options, int n, int m, int d, int seed)
    {
        var (analytic, numeric) = GradientChecker.Compare(AsOpCase(loss, options, n, m, d), seed);
        for (int i = 0; i < analytic.Length; i++)
            Close.Assert(analytic[i], numeric[i], atol: 1e-6, rtol: 1e-5, $"{loss.Name}: gradient of input {i}");
    }

    private static int KeyRows(LossDefinition loss, int n, int m) => loss.Accepts.HasFlag(LossInputKinds.Positives) ? m : n;

    private static LossArguments Arguments(LossDefinition loss, Tensor[] x, Device device)
    {
        int n = x[0].Shape[0];
        var labels = loss.Requires.HasFlag(LossInputKinds.Labels)
            ? Tensor.FromArray(Enumerable.Range(0, n).Select(i => i % 3).ToArray(), [n], device)
            : null;
        return new LossArguments(x[0], x.Length > 1 ? x[1] : null, labels);
    }
}
