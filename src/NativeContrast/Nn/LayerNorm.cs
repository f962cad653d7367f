namespace NativeContrast.Nn;

/// <summary>Layer normalization over the last axis (of size features), with γ (1) and β (0).</summary>
public sealed class LayerNorm : Module
{
    /// <summary>Normalization over the last dimension, of size <paramref name="features"/>.</summary>
    public LayerNorm(int features, double eps = 1e-5, Device? device = null, DType dtype = DType.Float32)
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "LayerNorm needs at least one feature.");
        device ??= Device.Cpu;
        Eps = eps;
        Weight = AddParameter("weight", Init.Constant([features], 1, device, dtype));
        Bias = AddParameter("bias", Init.Constant([features], 0, device, dtype));
    }

    /// <summary>ε added to the variance.</summary>
    public double Eps { get; }

    /// <summary>The learned scale [features].</summary>
    public Tensor Weight { get; }

    /// <summary>The learned shift [features].</summary>
    public Tensor Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.LayerNorm(Weight, Bias, Eps);
}
