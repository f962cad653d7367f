namespace NativeContrast.Nn;

/// <summary>SimCLR's projection head: Linear(in, hidden, no bias) → BatchNorm1d → ReLU → Linear(hidden, out).</summary>
public sealed class ProjectionHead : Module
{
    private readonly Sequential layers;

    /// <summary>A head from <paramref name="inFeatures"/> through <paramref name="hiddenFeatures"/> to <paramref name="outFeatures"/>.</summary>
    public ProjectionHead(int inFeatures = 128, int hiddenFeatures = 128, int outFeatures = 64, Device? device = null, DType dtype = DType.Float32, int seed = 100)
    {
        layers = AddModule("layers", new Sequential(
            new Linear(inFeatures, hiddenFeatures, bias: false, device, dtype, seed),
            new BatchNorm1d(hiddenFeatures, device: device, dtype: dtype),
            new Relu(),
            new Linear(hiddenFeatures, outFeatures, bias: true, device, dtype, seed + 1)));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => layers.Forward(x);
}
