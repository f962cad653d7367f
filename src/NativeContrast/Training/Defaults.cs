namespace NativeContrast.Training;

/// <summary>
/// Per-method defaults, with their source: SimCLR (Chen et al. 2020) LARS at 0.3·B/256, τ 0.5 for small
/// images; SupCon (Khosla et al. 2020) τ 0.1; MoCo v2 (Chen et al. 2020) SGD 0.03·B/256, τ 0.2,
/// momentum 0.999 (0.99 here: runs are short); triplet (Hermans et al. 2017) Adam 3·10⁻⁴, margin 0.2.
/// Measured on Fashion-MNIST (docs/RESULTS.md), SimCLR and SupCon train with AdamW (lr 10⁻³·B/256) instead of the papers'
/// LARS, which is tuned for hundreds of epochs (SupCon: LARS 0.3 reached a probe of 85.81% in 10 epochs, AdamW 88.35% in 5;
/// SimCLR: kNN 83.49% with LARS and 84.92% with AdamW after 10), and SupCon's crops keep at least half of a 28×28 image
/// (91.79% after 15 epochs).
/// SimCLR's crops on 28×28 keep at least 40% (kNN 85.62%, probe 87.34% after 20 epochs; 20% gave 85.26%
/// and 87.14% after 30).
/// <para>
/// The default run (the README's main command: SimCLR, small CNN, Fashion-MNIST) is 7 epochs with AdamW and the small
/// CNN's last map pooled to a 2×2 grid (512 features) instead of globally (128). Measured on dev-2core on 2026-12-05,
/// seed 1, each the full 60,000 images and the same <c>eval</c> (raw pixels: kNN 86.17%, probe 83.99%):
/// LARS, 3 epochs, global pooling (the previous default): kNN 82.89%, probe 83.09%;
/// AdamW, 7 epochs, global pooling: kNN 84.51%, probe 86.63%;
/// AdamW, 7 epochs, global pooling, last layer 256 wide: kNN 85.02%, probe 87.67%;
/// AdamW, 7 epochs, 2×2 grid: kNN 86.85%, probe 89.67% — the only one above the raw pixels' kNN, and the default.
/// Earlier runs (docs/RESULTS.md) had shown that more epochs alone do not get there: global pooling with AdamW
/// reached 85.31% after 15 epochs, 85.62% after 20 and 85.26% after 30. The 3-seed check of the default is in
/// docs/RESULTS.md. The committed <c>sweep --grid "optimizer=lars,adamw;pooling-grid=1,2" --seed 1</c> reran the choice
/// at 7 epochs (docs/RESULTS.md): LARS with global pooling 83.50% / 84.52%, LARS with the grid 85.13% / 88.21%, AdamW
/// with global pooling 84.51% / 86.63%, AdamW with the grid 86.85% / 89.67% (kNN / probe): the default ranks first.
/// Every probe figure above is from the AdamW probe used until 2026-12-05; the L-BFGS probe that replaced it
/// (<see cref="Evaluation.LinearProbe"/>) scores the default's checkpoints at seeds 1–3 89.88%, 89.81% and 89.67%
/// (docs/RESULTS.md, "The linear probe by L-BFGS").
/// </para>
/// </summary>
internal static class Defaults
{
    /// <summary>Passes over the training set unless told otherwise (7: the default run's budget, under 10 minutes on 2 cores).</summary>
    public const int Epochs = 7;

    /// <summary>The small CNN's pooling grid unless told otherwise (<see cref="TrainingConfig.PoolingGrid"/>).</summary>
    public const int SmallCnnPoolingGrid = 2;

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
        _ => OptimizerKind.AdamW,
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
