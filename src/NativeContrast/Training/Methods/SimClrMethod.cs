using NativeContrast.Losses;

namespace NativeContrast.Training;

/// <summary>SimCLR: NT-Xent over the two views of each image (row i pairs with row i ± n), no labels.</summary>
internal sealed class SimClrMethod : ContrastiveMethod
{
    public override Tensor Loss(MethodBatch batch) =>
        (batch.LearnedTemperature is { } learned ? new NtXentLoss(learned) : new NtXentLoss(batch.Temperature)).Forward(batch.Projections);
}
