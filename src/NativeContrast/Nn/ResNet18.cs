namespace NativeContrast.Nn;

/// <summary>
/// ResNet-18 with the small-image stem used for CIFAR-size inputs (SimCLR's CIFAR variant): a 3×3
/// stride-1 first convolution and no max pooling, then four stages of two basic blocks (64, 128, 256,
/// 512 channels; strides 1, 2, 2, 2) and global average pooling to 512 features. For 1- or 3-channel input.
/// </summary>
public sealed class ResNet18 : Module
{
    private readonly Sequential body;

    public ResNet18(int inChannels = 3, Device? device = null, DType dtype = DType.Float32, int seed = 0)
    {
        if (inChannels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "ResNet18 takes 1- or 3-channel images.");
        body = new Sequential(
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

    public int OutputFeatures => 512;

    /// <summary>The layers in order (what <see cref="Forward"/> runs).</summary>
    internal Sequential Features => body;

    public override Tensor Forward(Tensor x) => body.Forward(x);
}
