using System.Text.Json;

namespace NativeContrast.Training;

/// <summary>
/// Everything a training run depends on; written to the run folder as <c>config.json</c> and read back
/// by <c>--resume</c> and <c>eval</c>. Defaults follow the papers, scaled to Fashion-MNIST on a small
/// machine (see <see cref="Defaults"/>).
/// </summary>
public sealed record TrainingConfig
{
    /// <summary>The objective (config.json and the command line spell it simclr | supcon | triplet | moco).</summary>
    public TrainingMethod Method { get; init; } = TrainingMethod.SimClr;

    /// <summary>The encoder (small-cnn | resnet18).</summary>
    public EncoderKind Encoder { get; init; } = EncoderKind.SmallCnn;

    /// <summary>fashion-mnist, or a folder with one sub-folder per class.</summary>
    public string Dataset { get; init; } = "fashion-mnist";

    /// <summary>The folder holding the Fashion-MNIST files (null: the usual places, else a download).</summary>
    public string? DataFolder { get; init; }

    /// <summary>A folder dataset's images are resized (cover, centre crop) to this many pixels a side; null: 32 (what runs written before the command line's default became 64 have). Fashion-MNIST is 28.</summary>
    public int? ImageSize { get; init; }

    /// <summary>A folder dataset's images as 1 (grey) or 3 (RGB) channels; null: 3. Fashion-MNIST is 1.</summary>
    public int? Channels { get; init; }

    /// <summary>The side and channels the encoder sees: Fashion-MNIST's 28 × 1, or a folder's (default 32 × 3).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public (int Size, int Channels) ImageShape => Dataset == "fashion-mnist" ? (28, 1) : (ImageSize ?? 32, Channels ?? 3);

    /// <summary>A folder dataset's labels: auto (class folders when every image sits in one), folders, or none.</summary>
    public Data.FolderLabels Labels { get; init; } = Data.FolderLabels.Auto;

    /// <summary>Images per batch (each seen as two views, so the loss sees 2× as many rows).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = Defaults.Epochs;

    /// <summary>The optimizer (lars | sgd | adamw).</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Lars;

    /// <summary>Base learning rate; null takes the method's default scaled by batch/256.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Weight decay of the optimizer.</summary>
    public double WeightDecay { get; init; } = 1e-6;

    /// <summary>Fraction of the steps spent warming up linearly before the cosine decay.</summary>
    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>Softmax temperature τ (SimCLR, SupCon, MoCo).</summary>
    public double Temperature { get; init; } = 0.5;

    /// <summary>Learn τ (log-parametrized, 1/τ ≤ 100) starting from <see cref="Temperature"/>.</summary>
    public bool LearnTemperature { get; init; }

    /// <summary>SimCLR's loss (ntxent | debiased | hcl | dcl); the other methods have their own.</summary>
    public SimClrLoss Loss { get; init; } = SimClrLoss.NtXent;

    /// <summary>debiased, hcl: the class prior τ⁺ ∈ [0, 1), the expected share of same-class rows among the negatives.</summary>
    public double TauPlus { get; init; } = 0.1;

    /// <summary>hcl: the concentration β ≥ 0 on hard negatives.</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>
    /// SimCLR with NT-Xent: what the loss does with same-class negatives among the labels it is shown (keep | drop | attract),
    /// or, without labels, with each anchor's <see cref="TopK"/> most similar negatives (drop-top).
    /// </summary>
    public Losses.FalseNegatives FalseNegatives { get; init; } = Losses.FalseNegatives.Keep;

    /// <summary>drop-top: how many of each anchor's most similar negatives leave its denominator (1–32, below 2·batch − 2).</summary>
    public int TopK { get; init; } = 8;

    /// <summary>The share of training images whose label the loss is shown (the rest −1), for <see cref="FalseNegatives"/>; 0 for self-supervised runs.</summary>
    public double LabelFraction { get; init; }

    /// <summary>Triplet margin.</summary>
    public double Margin { get; init; } = 0.2;

    /// <summary>Triplet mining (hard | semihard).</summary>
    public Losses.TripletMining Mining { get; init; } = Losses.TripletMining.Hard;

    /// <summary>MoCo: size of the queue of past keys, and the key encoder's momentum.</summary>
    public int QueueSize { get; init; } = 4096;

    /// <summary>MoCo: momentum of the key encoder's moving average.</summary>
    public double KeyMomentum { get; init; } = 0.99;

    /// <summary>Output size of the projection head.</summary>
    public int ProjectionDim { get; init; } = 64;

    /// <summary>
    /// The small CNN's final pooling: its last feature map averaged over a g×g grid (<see cref="Nn.GridAvgPool2d"/>), the
    /// representation 128·g² values. null takes the default, 2 (512 values that keep which quarter of the image a feature
    /// came from: on Fashion-MNIST the kNN of the default run rose from below the raw pixels' to above them, see
    /// <see cref="Defaults"/>); 1 is global average pooling, what runs written before this setting existed have
    /// (<see cref="FromJson"/> reads a config without it as 1). ResNet-18 keeps global average pooling (1).
    /// </summary>
    public int? PoolingGrid { get; init; }

    /// <summary>The pooling grid the encoder uses: <see cref="PoolingGrid"/>, or 2 for the small CNN and 1 for ResNet-18.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int EffectivePoolingGrid => PoolingGrid ?? (Encoder == EncoderKind.SmallCnn ? Defaults.SmallCnnPoolingGrid : 1);

    /// <summary>A config from its JSON (config.json, a checkpoint's metadata); one written before <see cref="PoolingGrid"/> existed gets 1, the encoder it trained.</summary>
    /// <exception cref="JsonException">The text is not a config.</exception>
    public static TrainingConfig FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var config = document.Deserialize<TrainingConfig>() ?? throw new JsonException("The config is empty (null).");
        return document.RootElement.TryGetProperty(nameof(PoolingGrid), out _) ? config : config with { PoolingGrid = 1 };
    }

    /// <summary>
    /// Smallest fraction of the image area a random resized crop keeps; null takes the method's default
    /// (<see cref="Defaults.CropMinScale"/>: on 28×28 grayscale 0.4 for SimCLR, 0.5 for SupCon, 0.2 otherwise; 0.08 on larger images).
    /// </summary>
    public double? CropMinScale { get; init; }

    /// <summary>The device name (<c>auto</c>, <c>cpu</c>, <c>cuda:0</c>, …).</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Data-parallel runs: batch-norm statistics over the whole batch of all ranks (else each rank's own shard).</summary>
    public bool SyncBatchNorm { get; init; }

    /// <summary>Seed of weights, batches and augmentations.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Train on the first N images only (quick runs and tests); 0 = all.</summary>
    public int Subset { get; init; }

    /// <summary>
    /// The method as runs print it: "simclr", or with another loss or false-negative handling e.g. "simclr (hcl, τ⁺ 0.1, β 1)",
    /// "simclr (drop same-class negatives, 10% of labels shown)".
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Objective
    {
        get
        {
            if (Method != TrainingMethod.SimClr) return Names.Of(Method);
            string? loss = Loss switch
            {
                SimClrLoss.Debiased => FormattableString.Invariant($"debiased, τ⁺ {TauPlus:G3}"),
                SimClrLoss.Hcl => FormattableString.Invariant($"hcl, τ⁺ {TauPlus:G3}, β {Beta:G3}"),
                SimClrLoss.Dcl => "dcl",
                _ => null,
            };
            string? negatives = FalseNegatives switch
            {
                Losses.FalseNegatives.Keep => null,
                Losses.FalseNegatives.DropTop => FormattableString.Invariant($"drop-top: each anchor's {TopK} most similar negatives dropped"),
                _ => FormattableString.Invariant($"{Names.Of(FalseNegatives)} same-class negatives, {LabelFraction * 100:G3}% of labels shown"),
            };
            var parts = new[] { loss, negatives }.OfType<string>().ToList();
            return parts.Count == 0 ? "simclr" : $"simclr ({string.Join("; ", parts)})";
        }
    }

    /// <summary>The learning rate the run uses.</summary>
    public double EffectiveLearningRate => LearningRate ?? Defaults.LearningRate(Method, Optimizer) * BatchSize / 256.0;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that is out of range or inconsistent.</summary>
    public void Validate()
    {
        CheckDefined(Method, "method");
        CheckDefined(Encoder, "encoder");
        CheckDefined(Optimizer, "optimizer");
        CheckDefined(Mining, "mining");
        CheckDefined(Loss, "loss");
        if (Dataset == "fashion-mnist" && (ImageSize is { } s && s != 28 || Channels is { } c && c != 1))
            throw new ArgumentException("Fashion-MNIST's images are 28×28 grey: --image-size and --channels are for folders of images.");
        if (ImageSize is { } size && (size < 8 || size > 512)) throw new ArgumentException($"The image size (--image-size) must be 8 to 512 pixels; got {size}.");
        if (Channels is { } channels && channels is not (1 or 3)) throw new ArgumentException($"Images have 1 (grey) or 3 (RGB) channels (--channels); got {channels}.");
        if (Loss != SimClrLoss.NtXent && Method != TrainingMethod.SimClr)
            throw new ArgumentException($"--loss {Names.Of(Loss)} is a SimCLR loss (two views, one positive each); {Names.Of(Method)} has its own objective, so use --method simclr or drop --loss.");
        CheckDefined(FalseNegatives, "false-negative handling");
        if (!(LabelFraction >= 0 && LabelFraction <= 1)) throw new ArgumentException($"The label fraction (--label-fraction) is a share of the training images in [0, 1]; got {LabelFraction}.");
        if (FalseNegatives != Losses.FalseNegatives.Keep)
        {
            if (Method != TrainingMethod.SimClr || Loss != SimClrLoss.NtXent)
                throw new ArgumentException($"--false-negatives {Names.Of(FalseNegatives)} works with SimCLR's NT-Xent (--method simclr --loss ntxent).");
            if (FalseNegatives == Losses.FalseNegatives.DropTop)
            {
                if (TopK < 1 || TopK > Losses.NtXentLoss.MaxTopK)
                    throw new ArgumentException($"drop-top's K (--top-k) must be between 1 and {Losses.NtXentLoss.MaxTopK}; got {TopK}.");
                if (TopK >= 2 * BatchSize - 2)
                    throw new ArgumentException($"drop-top's K (--top-k) must be below the {2 * BatchSize - 2} negatives each anchor has in a batch of {BatchSize} images (two views each); got {TopK}.");
                if (LabelFraction > 0)
                    throw new ArgumentException("--false-negatives drop-top finds its negatives without labels: drop --label-fraction (it is for drop and attract).");
            }
            else if (LabelFraction == 0)
                throw new ArgumentException($"--false-negatives {Names.Of(FalseNegatives)} needs some labels: give --label-fraction F > 0, the share of training labels the loss may see.");
        }
        if (!(TauPlus >= 0 && TauPlus < 1)) throw new ArgumentException($"The class prior τ⁺ (--tau-plus) must be in [0, 1); got {TauPlus}.");
        if (!(Beta >= 0) || double.IsInfinity(Beta)) throw new ArgumentException($"The concentration β (--beta) must be a finite number ≥ 0; got {Beta}.");
        if (BatchSize < 2) throw new ArgumentException($"The batch size must be at least 2; got {BatchSize}.");
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1; got {Epochs}.");
        if (!(Temperature > 0)) throw new ArgumentException($"The temperature must be > 0; got {Temperature}.");
        if (LearningRate is { } lr && !(lr > 0)) throw new ArgumentException($"The learning rate must be > 0; got {lr}.");
        if (!(WarmupFraction >= 0 && WarmupFraction < 1)) throw new ArgumentException($"The warm-up fraction must be in [0, 1); got {WarmupFraction}.");
        if (CropMinScale is { } crop && !(crop > 0 && crop <= 1)) throw new ArgumentException($"The crop's minimum scale is a fraction of the image area in (0, 1]; got {crop}.");
        if (PoolingGrid is { } grid && (grid < 1 || grid > 4)) throw new ArgumentException($"The pooling grid (--pooling-grid) must be 1 to 4 cells a side; got {grid}.");
        if (PoolingGrid is > 1 && Encoder != EncoderKind.SmallCnn) throw new ArgumentException("--pooling-grid is for the small CNN; ResNet-18 pools globally (1).");
        if (Method == TrainingMethod.MoCo && QueueSize < BatchSize) throw new ArgumentException($"The MoCo queue ({QueueSize}) must hold at least one batch ({BatchSize}).");
    }

    private static void CheckDefined<T>(T value, string what) where T : struct, Enum
    {
        if (!Enum.IsDefined(value)) throw new ArgumentException($"Unknown {what} {value}; use {string.Join(", ", Names.All<T>())}.");
    }
}
