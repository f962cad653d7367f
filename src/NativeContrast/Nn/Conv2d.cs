namespace NativeContrast.Nn;

/// <summary>2-D convolution layer over NCHW input; weight [out, in, k, k] initialized as PyTorch does (U(±1/√(in·k²))).</summary>
public sealed class Conv2d : Module
{
    /// <summary>A k×k convolution from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels, its weights drawn from <paramref name="seed"/>.</summary>
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

    /// <summary>Step of the kernel, in both directions.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on each side.</summary>
    public int Padding { get; }

    /// <summary>The kernel [out, in, k, k].</summary>
    public Tensor Weight { get; }

    /// <summary>The bias [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Conv2d(Weight, Bias, Stride, Padding);
}
