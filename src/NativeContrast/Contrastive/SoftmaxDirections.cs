using NativeContrast.Ops;

namespace NativeContrast.Losses;

/// <summary>Builds the per-anchor tensors of a <see cref="SoftmaxDirection"/> (they live in the caller's scope, like every intermediate the graph keeps).</summary>
internal static class SoftmaxDirections
{
    /// <summary>
    /// One positive per anchor (an index into the candidates), every anchor weighted <paramref name="lossWeight"/>;
    /// with <paramref name="excludePositives"/> the positive leaves the anchor's log-sum-exp.
    /// </summary>
    public static SoftmaxDirection OnePositive(int[] positiveIndex, double lossWeight, Tensor like, bool excludePositives = false) => new(
        Tensor.FromArray(positiveIndex, [positiveIndex.Length], like.Device),
        Tensor.Full([positiveIndex.Length], 1.0, like.Device, like.DType),
        Tensor.Full([positiveIndex.Length], lossWeight, like.Device, like.DType),
        ByLabel: false,
        excludePositives);

    /// <summary>Positives by label, with per-anchor positive weights 1/|P| and loss weights given.</summary>
    public static SoftmaxDirection ByLabel(int[] labels, double[] positiveWeight, double[] lossWeight, Tensor like) => new(
        Tensor.FromArray(labels, [labels.Length], like.Device),
        Values(positiveWeight, like),
        Values(lossWeight, like),
        ByLabel: true);

    /// <summary>A vector with <paramref name="like"/>'s device and dtype (built on the host in that dtype: devices other than cpu hold no float64).</summary>
    public static Tensor Values(double[] values, Tensor like) => like.DType == DType.Float64
        ? Tensor.FromArray(values, [values.Length], like.Device)
        : Tensor.FromArray(Array.ConvertAll(values, v => (float)v), [values.Length], like.Device);

    public static int[] Identity(int n) => Enumerable.Range(0, n).ToArray();
}
