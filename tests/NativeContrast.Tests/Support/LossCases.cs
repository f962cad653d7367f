using NativeContrast.Losses;

namespace NativeContrast.Tests.Support;

/// <summary>
/// Every loss and option as an <see cref="OpCase"/>, so the float64 finite-difference checks and the
/// backend parity tests cover them like any op. A trailing [1] input is a learned θ = ln(1/τ).
/// </summary>
public static class LossCases
{
    private static Tensor Ints(Device d, params int[] values) => Tensor.FromArray(values, [values.Length], d);

    private static LearnableTemperature Learned(Tensor theta) => LearnableTemperature.FromLogInverseTemperature(theta);

    public static IEnumerable<OpCase> All()
    {
        yield return new OpCase("ntxent fused, normalized, default positives", [[6, 4]], (x, _) => new NtXentLoss(0.5).Forward(x[0]));
        yield return new OpCase("ntxent fused, raw, tau 0.1", [[8, 3]], (x, _) => new NtXentLoss(0.1, normalize: false).Forward(x[0]));
        yield return new OpCase("ntxent fused, explicit positives", [[5, 4]], (x, d) => new NtXentLoss(0.3).Forward(x[0], Ints(d, 2, 3, 0, 0, 1)));
        yield return new OpCase("ntxent learned temperature", [[6, 4], [1]], (x, _) => new NtXentLoss(Learned(x[1])).Forward(x[0]));
        yield return new OpCase("infonce default positives", [[4, 3], [7, 3]], (x, _) => new InfoNceLoss(0.2).Forward(x[0], x[1]));
        yield return new OpCase("infonce explicit positives, raw", [[3, 4], [5, 4]], (x, d) => new InfoNceLoss(0.1, normalize: false).Forward(x[0], x[1], Ints(d, 4, 0, 2)));
        yield return new OpCase("infonce moco queue", [[3, 4], [3, 4]], (x, d) =>
            new InfoNceLoss(0.2).Forward(x[0], x[1], Tensor.RandomNormal([5, 4], 11, d, x[0].DType), null));
        yield return new OpCase("infonce learned temperature", [[3, 4], [6, 4], [1]], (x, _) => new InfoNceLoss(Learned(x[2])).Forward(x[0], x[1]));
        yield return new OpCase("clip symmetric", [[5, 3], [5, 3]], (x, _) => new ClipLoss(0.3).Forward(x[0], x[1]));
        yield return new OpCase("clip learned temperature, raw", [[4, 3], [4, 3], [1]], (x, _) => new ClipLoss(Learned(x[2]), normalize: false).Forward(x[0], x[1]));
        yield return new OpCase("supcon, anchor without positive", [[6, 4]], (x, d) => new SupConLoss(0.2).Forward(x[0], Ints(d, 0, 1, 0, 2, 1, 0)));
        yield return new OpCase("supcon raw", [[7, 3]], (x, d) => new SupConLoss(0.5, normalize: false).Forward(x[0], Ints(d, 3, 3, 1, 1, 1, 3, 0)));
        yield return new OpCase("supcon learned temperature", [[5, 4], [1]], (x, d) => new SupConLoss(Learned(x[1])).Forward(x[0], Ints(d, 0, 0, 1, 1, 1)));
        yield return new OpCase("ntxent drop false negatives", [[8, 4]], (x, d) => new NtXentLoss(0.4).Forward(x[0], null, Ints(d, 0, 1, -1, 0, 0, 1, -1, 0), FalseNegatives.Drop));
        yield return new OpCase("ntxent attract false negatives, raw", [[8, 4]], (x, d) => new NtXentLoss(0.4, normalize: false).Forward(x[0], null, Ints(d, 2, 1, 2, -1, 2, 1, 2, -1), FalseNegatives.Attract));
        yield return new OpCase("ntxent drop, learned temperature", [[8, 4], [1]], (x, d) => new NtXentLoss(Learned(x[1])).Forward(x[0], null, Ints(d, 0, 1, -1, 0, 0, 1, -1, 0), FalseNegatives.Drop));
        yield return new OpCase("ntxent drop-top", [[10, 4]], (x, _) => new NtXentLoss(0.4).ForwardDropTop(x[0], null, 3).Loss);
        yield return new OpCase("ntxent drop-top, raw, explicit positives, learned temperature", [[9, 3], [1]], (x, d) =>
            new NtXentLoss(Learned(x[1]), normalize: false).ForwardDropTop(x[0], Ints(d, 4, 5, 6, 7, 8, 0, 1, 2, 3), 2).Loss);
        yield return new OpCase("dcl normalized", [[6, 4]], (x, _) => new DecoupledContrastiveLoss(0.5).Forward(x[0]));
        yield return new OpCase("dcl raw, explicit positives", [[5, 4]], (x, d) => new DecoupledContrastiveLoss(0.3, normalize: false).Forward(x[0], Ints(d, 2, 3, 0, 0, 1)));
        yield return new OpCase("dcl learned temperature", [[6, 4], [1]], (x, _) => new DecoupledContrastiveLoss(Learned(x[1])).Forward(x[0]));
        yield return new OpCase("debiased tau+ 0.1", [[8, 4]], (x, _) => new DebiasedContrastiveLoss(0.1, 0.0, 0.5).Forward(x[0]));
        yield return new OpCase("debiased tau+ 0.9 (floor clamps)", [[6, 3]], (x, _) => new DebiasedContrastiveLoss(0.9, 0.0, 0.5).Forward(x[0]));
        yield return new OpCase("hcl beta 1, raw", [[6, 4]], (x, _) => new DebiasedContrastiveLoss(0.1, 1.0, 0.5, normalize: false).Forward(x[0]));
        yield return new OpCase("hcl beta 2, explicit positives", [[5, 4]], (x, d) => new DebiasedContrastiveLoss(0.2, 2.0, 0.4).Forward(x[0], Ints(d, 2, 3, 0, 0, 1)));
        yield return new OpCase("hcl learned temperature", [[6, 4], [1]], (x, _) => new DebiasedContrastiveLoss(0.1, 1.0, Learned(x[1])).Forward(x[0]));
        yield return new OpCase("triplet batch-hard euclidean", [[7, 4]], (x, d) => new TripletLoss(1.0).Forward(x[0], Ints(d, 0, 0, 1, 1, 2, 2, 0)));
        yield return new OpCase("triplet semi-hard squared", [[8, 3]], (x, d) =>
            new TripletLoss(0.8, TripletMining.SemiHard, DistanceMetric.SquaredEuclidean).Forward(x[0], Ints(d, 0, 1, 0, 1, 0, 1, 2, 2)));
        yield return new OpCase("triplet batch-hard cosine soft margin raw", [[6, 4]], (x, d) =>
            new TripletLoss(0.2, TripletMining.Hard, DistanceMetric.Cosine, softMargin: true, normalize: false).Forward(x[0], Ints(d, 0, 1, 1, 0, 2, 2)));
        yield return new OpCase("triplet semi-hard euclidean raw, lone label", [[7, 3]], (x, d) =>
            new TripletLoss(0.5, TripletMining.SemiHard, normalize: false).Forward(x[0], Ints(d, 0, 0, 0, 1, 1, 1, 5)));
    }
}
