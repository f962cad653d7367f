using NativeContrast.Nn;

namespace NativeContrast.Training;

/// <summary>The encoder and projection head a configuration asks for (same seeds → same initial weights).</summary>
internal static class TrainingModels
{
    public static Module Encoder(TrainingConfig config, int channels, Device device, int seedOffset = 0) => config.Encoder switch
    {
        EncoderKind.ResNet18 => new ResNet18(channels, device, seed: config.Seed * 1000 + seedOffset, stem: ResNet18Stem(config)),
        _ => new SmallCnn(channels, device, seed: config.Seed * 1000 + seedOffset, poolingGrid: config.EffectivePoolingGrid),
    };

    /// <summary>torchvision's stem (7×7 stride 2 and max pooling) for images of at least 96 pixels a side, else the CIFAR stem.</summary>
    public static ResNetStem ResNet18Stem(TrainingConfig config) => config.ImageShape.Size >= 96 ? ResNetStem.Standard : ResNetStem.Cifar;

    public static int Features(TrainingConfig config) => config.Encoder == EncoderKind.ResNet18 ? 512 : 128 * config.EffectivePoolingGrid * config.EffectivePoolingGrid;

    public static ProjectionHead Head(TrainingConfig config, Device device, int seedOffset = 0) =>
        new(Features(config), Features(config), config.ProjectionDim, device, seed: config.Seed * 1000 + 500 + seedOffset);
}
