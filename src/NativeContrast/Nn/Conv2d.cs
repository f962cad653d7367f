namespace NativeContrast.Nn;

/// <summary>2-D convolution layer over NCHW input; weight [out, in, k, k] initialized as PyTorch does (U(±1/√(in·k²))).</summary>
public sealed class Conv2d : Module
{
    public Conv2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, bool bias = true,
        Device? device = null, DType dtype = DType.Float32, int seed = 0)
    {
        if (inChannels < 1 || outChannels < 1 || kernel < 1)
            throw new ArgumentOutOfRangeException(nameof(kernel), $"Conv2d needs positive channels and kernel; got {inChannels}→{outChannels}, kernel {kernel}.");
        var rng = new Random(seed);
        device ??= Device.Cpu;
        int fanIn = inChannels * kernel * kernel;
        Stride = stride;
        Padding = padding;
        Weight = AddParameter("weight", Init.Uniform([outChannels, inChannels, kernel, kernel], fanIn, rng, device, dtype));
        Bias = bias ? AddParameter("bias", Init.Uniform([outChannels], fanIn, rng, device, dtype)) : null;
    }

    public int Stride { get; }

    public int Padding { get; }

    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor x) => x.Conv2d(Weight, Bias, Stride, Padding);
}
