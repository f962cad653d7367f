namespace NativeContrast.Nn;

/// <summary>
/// ResNet's basic block: conv3×3(stride) → BN → ReLU → conv3×3 → BN, plus a shortcut (identity, or
/// conv1×1(stride) → BN when the shape changes), then ReLU of the sum.
/// </summary>
public sealed class BasicBlock : Module
{
    private readonly Conv2d conv1, conv2;
    private readonly BatchNorm2d bn1, bn2;
    private readonly Sequential? shortcut;

    /// <summary>A block from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels; a stride above 1 halves the resolution (and adds the 1×1 shortcut).</summary>
    public BasicBlock(int inChannels, int outChannels, int stride, Device? device, DType dtype, int seed)
    {
        conv1 = AddModule("conv1", new Conv2d(inChannels, outChannels, 3, stride, 1, bias: false, device, dtype, seed));
        bn1 = AddModule("bn1", new BatchNorm2d(outChannels, device: device, dtype: dtype));
        conv2 = AddModule("conv2", new Conv2d(outChannels, outChannels, 3, 1, 1, bias: false, device, dtype, seed + 1));
        bn2 = AddModule("bn2", new BatchNorm2d(outChannels, device: device, dtype: dtype));
        if (stride != 1 || inChannels != outChannels)
            shortcut = AddModule("shortcut", new Sequential(
                new Conv2d(inChannels, outChannels, 1, stride, 0, bias: false, device, dtype, seed + 2),
                new BatchNorm2d(outChannels, device: device, dtype: dtype)));
    }

    internal Conv2d Conv1 => conv1;

    internal BatchNorm2d Bn1 => bn1;

    internal Conv2d Conv2 => conv2;

    internal BatchNorm2d Bn2 => bn2;

    /// <summary>conv1×1 → BN when the block changes shape; null for the identity.</summary>
    internal Sequential? Shortcut => shortcut;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        var main = bn2.Forward(conv2.Forward(bn1.Forward(conv1.Forward(x)).Relu()));
        return (main + (shortcut?.Forward(x) ?? x)).Relu();
    }
}
