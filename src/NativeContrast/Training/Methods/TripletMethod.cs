using NativeContrast.Losses;

namespace NativeContrast.Training;

/// <summary>Triplet loss over both views with the batch's labels, mined batch-hard or semi-hard.</summary>
internal sealed class TripletMethod(double margin, TripletMining mining) : ContrastiveMethod
{
    public override Tensor Loss(MethodBatch batch) =>
        new TripletLoss(margin, mining).Forward(batch.Projections, Tensor.Concat([batch.Batch.Labels, batch.Batch.Labels]));
}
