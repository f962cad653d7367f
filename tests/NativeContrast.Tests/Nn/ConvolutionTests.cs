using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Nn;

/// <summary>
/// The float32 convolution path (filter packed once, im2col gathered straight into GEMM panels) against
/// the float64 path (checked by finite differences) on layer shapes of the small CNN and odd sizes:
/// output, and input, filter and bias gradients. The cases with C &lt; 8 and stride 1 take the direct kernel
/// (DirectConvolution) for the output and the filter gradient; those with C, O ≥ 8 and stride 1 Winograd's F(2×2, 3×3)
/// (WinogradConvolution) for the output and the input gradient.
/// </summary>
public class ConvolutionTests
{
    [TestCase(3, 1, 28, 32, 1, 1)]
    [TestCase(2, 32, 28, 32, 2, 1)]
    [TestCase(2, 64, 7, 128, 2, 1)]
    [TestCase(3, 5, 9, 7, 2, 0)]
    [TestCase(2, 6, 5, 4, 1, 0)]
    [TestCase(2, 8, 6, 16, 2, 0)]
    [TestCase(2, 3, 11, 5, 1, 2)]
    [TestCase(2, 4, 13, 6, 3, 1)]
    [TestCase(2, 3, 19, 9, 1, 0)]
    [TestCase(2, 16, 9, 24, 1, 1)]
    [TestCase(2, 48, 10, 20, 2, 0)]
    [TestCase(2, 12, 13, 10, 3, 2)]
    [TestCase(2, 32, 8, 8, 1, 2)]
    [TestCase(1, 64, 14, 64, 2, 1)]
    [TestCase(3, 1, 10, 5, 1, 0)] // the direct kernel (C < 8, stride 1): rows exactly one vector wide
    [TestCase(2, 2, 16, 6, 1, 1)] // two vectors, no overlap
    [TestCase(2, 7, 12, 3, 1, 1)] // C = 7, overlapping last vector
    [TestCase(1, 32, 14, 64, 1, 1)] // Winograd F(2×2, 3×3) (stride 1, C and O ≥ 8): the small CNN's third layer
    [TestCase(2, 12, 7, 10, 1, 0)] // Winograd: C and O not whole vectors, an odd output (5×5), the data gradient at padding 2
    [TestCase(70, 96, 4, 96, 1, 1)] // Winograd's filter gradient over groups of images (576 KiB of sums: 32 images of 4 tiles a GEMM, the last group part full)
    public void Float32MatchesFloat64(int batch, int channels, int size, int filters, int stride, int padding)
    {
        using var scope = TensorScope.Begin();
        int kernel = size >= 3 ? 3 : 1;
        if (channels == 6) kernel = 1; // a pointwise convolution
        var x = Tensor.RandomNormal([batch, channels, size, size], 1, Device.Cpu, DType.Float64);
        var w = Tensor.RandomNormal([filters, channels, kernel, kernel], 2, Device.Cpu, DType.Float64);
        var b = Tensor.RandomNormal([filters], 3, Device.Cpu, DType.Float64);
        (double[] Y, double[] Dx, double[] Dw, double[] Db) Run(DType dtype)
        {
            var (xi, wi, bi) = (x.ToDType(dtype), w.ToDType(dtype), b.ToDType(dtype));
            xi.RequiresGrad = wi.RequiresGrad = bi.RequiresGrad = true;
            var y = xi.Conv2d(wi, bi, stride, padding);
            var weights = Tensor.RandomNormal(y.Shape.ToArray(), 4, Device.Cpu, DType.Float64).ToDType(dtype);
            (y * weights).Sum().Backward();
            return (y.ToDoubleArray(), xi.Grad!.ToDoubleArray(), wi.Grad!.ToDoubleArray(), bi.Grad!.ToDoubleArray());
        }
        var single = Run(DType.Float32);
        var reference = Run(DType.Float64);
        Close.Assert(single.Y, reference.Y, 1e-4, 1e-4, "output");
        Close.Assert(single.Dx, reference.Dx, 1e-4, 1e-4, "input gradient");
        Close.Assert(single.Dw, reference.Dw, 1e-3, 1e-4, "filter gradient");
        Close.Assert(single.Db, reference.Db, 1e-3, 1e-4, "bias gradient");
    }

    [Test]
    public void WindowLargerThanPaddedInput_SaysSo()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros([1, 1, 2, 2]).Conv2d(Tensor.Zeros([1, 1, 5, 5])));
        Assert.That(e!.Message, Does.Contain("5×5 window does not fit a 2×2 input"));
    }

    [Test]
    public void ChannelMismatch_NamesBoth()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros([1, 3, 8, 8]).Conv2d(Tensor.Zeros([4, 2, 3, 3])));
        Assert.That(e!.Message, Does.Contain("3 channels").And.Contain("expects 2"));
    }
}
