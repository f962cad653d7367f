namespace NativeContrast.Nn;

/// <summary>
/// The small encoder for 28×28 grayscale images: five 3×3 convolutions (padding 1, no bias), each
/// followed by BatchNorm2d and ReLU — 1→32 (stride 1), 32→32 (2), 32→64 (1), 64→64 (2), 64→128 (2),
/// i.e. 28 → 28 → 14 → 14 → 7 → 4 — then average pooling over a g×g grid (<see cref="GridAvgPool2d"/>): g = 1 (the
/// default here) is global average pooling to a 128-d representation, g = 2 (training's default, see
/// <c>TrainingConfig.PoolingGrid</c>) a 512-d one that keeps which quarter of the image each feature came from.
/// With g = 1 and <see cref="ProjectionHead"/>(128, 128, 64) it has 164,064 trainable parameters.
/// </summary>
public sealed class SmallCnn : Module
{
    private static readonly (int In, int Out, int Stride)[] Plan = [(1, 32, 1), (32, 32, 2), (32, 64, 1), (64, 64, 2), (64, 128, 2)];

    private readonly Sequential body = new();

    /// <summary>The encoder for <paramref name="inChannels"/>-channel images, its weights drawn from <paramref name="seed"/>, pooled to a <paramref name="poolingGrid"/>² grid at the end.</summary>
    public SmallCnn(int inChannels = 1, Device? device = null, DType dtype = DType.Float32, int seed = 0, int poolingGrid = 1)
    {
        PoolingGrid = poolingGrid;
        for (int i = 0; i < Plan.Length; i++)
        {
            var (cin, cout, stride) = Plan[i];
            body.Add(new Conv2d(i == 0 ? inChannels : cin, cout, 3, stride, padding: 1, bias: false, device, dtype, seed + i));
            body.Add(new BatchNorm2d(cout, device: device, dtype: dtype));
            body.Add(new Relu());
        }
        body.Add(poolingGrid == 1 ? new GlobalAvgPool2d() : new GridAvgPool2d(poolingGrid));
        AddModule("features", body);
    }

    /// <summary>Size of the representation.</summary>
    public int OutputFeatures => 128 * PoolingGrid * PoolingGrid;

    /// <summary>Cells a side of the final pooling (1: global average pooling).</summary>
    public int PoolingGrid { get; }

    /// <summary>The layers in order (what <see cref="Forward"/> runs).</summary>
    internal Sequential Features => body;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => body.Forward(x);
}
