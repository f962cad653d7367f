namespace NativeContrast.Nn;

/// <summary>Layer normalization over the last axis (of size features), with γ (1) and β (0).</summary>
public sealed class LayerNorm : Module
{
    public LayerNorm(int features, double eps = 1e-5, Device? device = null, DType dtype = DType.Float32)
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "LayerNorm needs at least one feature.");
        device ??= Device.Cpu;
        Eps = eps;
        Weight = AddParameter("weight", Init.Constant([features], 1, device, dtype));
        Bias = AddParameter("bias", Init.Constant([features], 0, device, dtype));
    }

    public double Eps { get; }

    public Tensor Weight { get; }

    public Tensor Bias { get; }

    public override Tensor Forward(Tensor x) => x.LayerNorm(Weight, Bias, Eps);
}
