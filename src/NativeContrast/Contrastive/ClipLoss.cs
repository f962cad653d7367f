using NativeContrast.Ops;

namespace NativeContrast.Losses;

/// <summary>
/// CLIP's symmetric loss over two sets of N paired rows (row i of a belongs with row i of b): the mean
/// of the a→b and b→a InfoNCE losses,
/// L = (1/2N) Σ_i [ln Σ_j exp(a_i·b_j/τ) − a_i·b_i/τ] + (1/2N) Σ_j [ln Σ_i exp(a_i·b_j/τ) − a_j·b_j/τ].
/// CLIP learns τ: pass a <see cref="LearnableTemperature"/> (0.07 at the start, 1/τ ≤ 100).
/// </summary>
public sealed class ClipLoss : SoftmaxContrastiveLoss
{
    /// <inheritdoc cref="SoftmaxContrastiveLoss(double, bool)"/>
    public ClipLoss(double temperature = 0.1, bool normalize = true) : base(temperature, normalize)
    {
    }

    /// <inheritdoc cref="SoftmaxContrastiveLoss(LearnableTemperature, bool)"/>
    public ClipLoss(LearnableTemperature temperature, bool normalize = true) : base(temperature, normalize)
    {
    }

    /// <inheritdoc/>
    protected override string LossName => "CLIP";

    /// <summary>The symmetric loss of paired batches <paramref name="a"/> and <paramref name="b"/> [N, D] (row i of each is a positive pair).</summary>
    public Tensor Forward(Tensor a, Tensor b)
    {
        var rowsA = LossInputs.Embeddings(LossName, nameof(a), a, Normalize, 2, "a positive and a negative per row");
        var rowsB = LossInputs.Embeddings(LossName, nameof(b), b, Normalize, 2, "a positive and a negative per row");
        LossInputs.SameWidth(LossName, a, nameof(a), b, nameof(b));
        int n = a.ShapeArray[0];
        if (b.ShapeArray[0] != n)
            throw new ArgumentException($"{LossName}: the two sets must pair up row by row; got {n} and {b.ShapeArray[0]} rows.", nameof(b));
        var temperature = ResolveTemperature(a);
        var identity = SoftmaxDirections.Identity(n);
        return SoftmaxContrastiveOp.TwoSets(rowsA, rowsB,
            SoftmaxDirections.OnePositive(identity, 0.5 / n, a), SoftmaxDirections.OnePositive(identity, 0.5 / n, a), temperature);
    }
}
