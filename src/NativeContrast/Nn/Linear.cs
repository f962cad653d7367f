namespace NativeContrast.Nn;

/// <summary>y = x·Wᵀ + b for x [N, in]; W [out, in] and b [out] initialized as PyTorch does (U(±1/√in)).</summary>
public sealed class Linear : Module
{
    /// <summary>A layer from <paramref name="inFeatures"/> to <paramref name="outFeatures"/>, its weights drawn from <paramref name="seed"/>.</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Device? device = null, DType dtype = DType.Float32, int seed = 0)
    {
        if (inFeatures < 1 || outFeatures < 1) throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear needs positive sizes; got {inFeatures}→{outFeatures}.");
        var rng = new Random(seed);
        device ??= Device.Cpu;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = AddParameter("weight", Init.Uniform([outFeatures, inFeatures], inFeatures, rng, device, dtype));
        Bias = bias ? AddParameter("bias", Init.Uniform([outFeatures], inFeatures, rng, device, dtype)) : null;
    }

    /// <summary>Input size.</summary>
    public int InFeatures { get; }

    /// <summary>Output size.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight W [out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>The bias b [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 2 || x.Shape[1] != InFeatures)
            throw new ArgumentException($"Linear({InFeatures}→{OutFeatures}) needs input [N, {InFeatures}]; got {Shapes.Format(x.ShapeArray)}.", nameof(x));
        var y = Tensor.Matmul(x, Weight, transposeB: true);
        return Bias is null ? y : y + Bias;
    }
}
