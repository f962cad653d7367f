using NativeContrast.Data;
using NativeContrast.Losses;

namespace NativeContrast.Training;

/// <summary>
/// SimCLR: a loss over the two views of each image (row i pairs with row i ± n): NT-Xent, or one of the losses for false
/// and hard negatives (<see cref="SimClrLoss"/>). No labels, unless the config shows the loss a share of them to drop or
/// attract same-class negatives: image j's label is shown when a draw fixed by the seed and j falls below the share.
/// </summary>
internal sealed class SimClrMethod(TrainingConfig config) : ContrastiveMethod
{
    public override Tensor Loss(MethodBatch batch)
    {
        var learned = batch.LearnedTemperature;
        double tau = batch.Temperature;
        return config.Loss switch
        {
            SimClrLoss.Debiased => (learned is null ? new DebiasedContrastiveLoss(config.TauPlus, 0.0, tau) : new DebiasedContrastiveLoss(config.TauPlus, 0.0, learned)).Forward(batch.Projections),
            SimClrLoss.Hcl => (learned is null ? new DebiasedContrastiveLoss(config.TauPlus, config.Beta, tau) : new DebiasedContrastiveLoss(config.TauPlus, config.Beta, learned)).Forward(batch.Projections),
            SimClrLoss.Dcl => (learned is null ? new DecoupledContrastiveLoss(tau) : new DecoupledContrastiveLoss(learned)).Forward(batch.Projections),
            _ when config.FalseNegatives == FalseNegatives.DropTop => DropTop(learned is null ? new NtXentLoss(tau) : new NtXentLoss(learned), batch),
            _ when config.FalseNegatives != FalseNegatives.Keep =>
                (learned is null ? new NtXentLoss(tau) : new NtXentLoss(learned)).Forward(batch.Projections, null, ShownLabels(batch), config.FalseNegatives),
            _ => (learned is null ? new NtXentLoss(tau) : new NtXentLoss(learned)).Forward(batch.Projections),
        };
    }

    /// <summary>drop-top: Int32 [2n, K], the negatives the last batch's loss dropped per row (−1 for a tie that stayed); null otherwise.</summary>
    public Tensor? LastDropped { get; private set; }

    private Tensor DropTop(NtXentLoss loss, MethodBatch batch)
    {
        var (value, dropped) = loss.ForwardDropTop(batch.Projections, null, config.TopK);
        LastDropped = dropped;
        return value;
    }

    /// <summary>The labels the loss sees, once per view: image j's own where shown, −1 elsewhere.</summary>
    private Tensor ShownLabels(MethodBatch batch)
    {
        var b = batch.Batch;
        var shown = b.Indices.Select((image, k) => IsShown(image) ? b.LabelValues[k] : -1).ToArray();
        return Tensor.FromArray([.. shown, .. shown], [2 * shown.Length], batch.Projections.Device);
    }

    /// <summary>Whether image <paramref name="image"/>'s label is shown: the same images for the whole run (and on resume).</summary>
    private bool IsShown(int image) => Seeds.Mix(config.Seed, image, 0x1ABE1) / (double)int.MaxValue < config.LabelFraction;
}
