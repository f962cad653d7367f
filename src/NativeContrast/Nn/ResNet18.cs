namespace NativeContrast.Nn;

/// <summary>
/// ResNet-18 without its classifier: a stem (<see cref="ResNetStem.Cifar"/>, SimCLR's small-image variant: a 3×3
/// stride-1 convolution and no max pooling; or torchvision's <see cref="ResNetStem.Standard"/> 7×7 stride-2 convolution
/// and 3×3 stride-2 max pooling), then four stages of two basic blocks (64, 128, 256, 512 channels; strides 1, 2, 2, 2)
/// and global average pooling to 512 features. For 1- or 3-channel input. <see cref="TorchVisionResNet"/> maps its
/// weights to and from torchvision's names.
/// </summary>
public sealed class ResNet18 : Module
{
    private readonly Sequential body;

    /// <summary>A ResNet-18 for <paramref name="inChannels"/>-channel images with the given <paramref name="stem"/>, its weights drawn from <paramref name="seed"/>.</summary>
    public ResNet18(int inChannels = 3, Device? device = null, DType dtype = DType.Float32, int seed = 0, ResNetStem stem = ResNetStem.Cifar)
    {
        if (inChannels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "ResNet18 takes 1- or 3-channel images.");
        Stem = stem;
        body = stem == ResNetStem.Standard
            ? new Sequential(
                new Conv2d(inChannels, 64, 7, 2, 3, bias: false, device, dtype, seed),
                new BatchNorm2d(64, device: device, dtype: dtype),
                new Relu(),
                new MaxPool2d(3, 2, 1))
            : new Sequential(
                new Conv2d(inChannels, 64, 3, 1, 1, bias: false, device, dtype, seed),
                new BatchNorm2d(64, device: device, dtype: dtype),
                new Relu());
        int channels = 64, blockSeed = seed + 10;
        foreach (var (width, stride) in new[] { (64, 1), (128, 2), (256, 2), (512, 2) })
        {
            body.Add(new BasicBlock(channels, width, stride, device, dtype, blockSeed));
            body.Add(new BasicBlock(width, width, 1, device, dtype, blockSeed + 5));
            channels = width;
            blockSeed += 10;
        }
        body.Add(new GlobalAvgPool2d());
        AddModule("features", body);
    }

    /// <summary>Size of the representation.</summary>
    public int OutputFeatures => 512;

    /// <summary>The layers before the first stage.</summary>
    public ResNetStem Stem { get; }

    /// <summary>The layers in order (what <see cref="Forward"/> runs).</summary>
    internal Sequential Features => body;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => body.Forward(x);
}
