namespace NativeContrast.Training;

/// <summary>
/// Per-method defaults, with their source: SimCLR (Chen et al. 2020) LARS at 0.3·B/256, τ 0.5 for small
/// images; SupCon (Khosla et al. 2020) τ 0.1; MoCo v2 (Chen et al. 2020) SGD 0.03·B/256, τ 0.2,
/// momentum 0.999 (0.99 here: runs are short); triplet (Hermans et al. 2017) Adam 3·10⁻⁴, margin 0.2.
/// Measured on Fashion-MNIST (docs/RESULTS.md), two SupCon settings differ from the paper's: AdamW instead
/// of LARS (the paper's LARS is tuned for hundreds of epochs; LARS 0.3 reached a probe of 85.81% in 10
/// epochs, AdamW 88.35% in 5), and crops keeping at least half of a 28×28 image (91.79% after 15 epochs).
/// SimCLR's crops on 28×28 keep at least 40% (kNN 85.62%, probe 87.34% after 20 epochs; 20% gave 85.26%
/// and 87.14% after 30).
/// </summary>
internal static class Defaults
{
    public static double LearningRate(TrainingMethod method, OptimizerKind optimizer) => (method, optimizer) switch
    {
        (_, OptimizerKind.AdamW) => 1e-3,
        (TrainingMethod.MoCo, _) => 0.03,
        (_, OptimizerKind.Lars) => 0.3,
        _ => 0.05,
    };

    public static double Temperature(TrainingMethod method) => method switch
    {
        TrainingMethod.SupCon => 0.1,
        TrainingMethod.MoCo => 0.2,
        _ => 0.5,
    };

    public static OptimizerKind Optimizer(TrainingMethod method) => method switch
    {
        TrainingMethod.MoCo => OptimizerKind.Sgd,
        TrainingMethod.Triplet or TrainingMethod.SupCon => OptimizerKind.AdamW,
        _ => OptimizerKind.Lars,
    };

    /// <summary>Images that get <see cref="Augmentation.Augmentations.Grayscale28"/> (Fashion-MNIST, MNIST) rather than the SimCLR pipeline.</summary>
    internal static bool IsGrayscale28(int height, int channels) => height == 28 && channels == 1;

    /// <summary>
    /// Smallest fraction of the image area a random resized crop keeps. SimCLR's 0.08 on larger images. On
    /// 28×28 grayscale, where a fifth of a garment often no longer shows its class: 0.5 for SupCon, whose
    /// labels pull views together; 0.4 for SimCLR; 0.2 (SupCon's CIFAR value) for the methods not measured.
    /// </summary>
    public static double CropMinScale(TrainingMethod method, int height, int channels) =>
        IsGrayscale28(height, channels) ? method switch { TrainingMethod.SupCon => 0.5, TrainingMethod.SimClr => 0.4, _ => 0.2 } : 0.08;
}
