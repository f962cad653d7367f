using NativeContrast.Losses;

namespace NativeContrast.Training;

/// <summary>
/// SimCLR: a loss over the two views of each image (row i pairs with row i ± n), no labels: NT-Xent, or one of the losses
/// for false and hard negatives (<see cref="SimClrLoss"/>).
/// </summary>
internal sealed class SimClrMethod(SimClrLoss loss, double tauPlus, double beta) : ContrastiveMethod
{
    public override Tensor Loss(MethodBatch batch)
    {
        var learned = batch.LearnedTemperature;
        double tau = batch.Temperature;
        return loss switch
        {
            SimClrLoss.Debiased => (learned is null ? new DebiasedContrastiveLoss(tauPlus, 0.0, tau) : new DebiasedContrastiveLoss(tauPlus, 0.0, learned)).Forward(batch.Projections),
            SimClrLoss.Hcl => (learned is null ? new DebiasedContrastiveLoss(tauPlus, beta, tau) : new DebiasedContrastiveLoss(tauPlus, beta, learned)).Forward(batch.Projections),
            SimClrLoss.Dcl => (learned is null ? new DecoupledContrastiveLoss(tau) : new DecoupledContrastiveLoss(learned)).Forward(batch.Projections),
            _ => (learned is null ? new NtXentLoss(tau) : new NtXentLoss(learned)).Forward(batch.Projections),
        };
    }
}
