using NativeContrast.Losses;

namespace NativeContrast.Training;

/// <summary>SupCon: every view of an image of the same class is a positive (the batch's labels, once per view).</summary>
internal sealed class SupConMethod : ContrastiveMethod
{
    public override Tensor Loss(MethodBatch batch)
    {
        var labels = Tensor.Concat([batch.Batch.Labels, batch.Batch.Labels]);
        return (batch.LearnedTemperature is { } learned ? new SupConLoss(learned) : new SupConLoss(batch.Temperature)).Forward(batch.Projections, labels);
    }
}
