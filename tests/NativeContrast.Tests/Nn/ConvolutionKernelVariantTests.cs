using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Nn;

/// <summary>
/// Each ILGPU convolution variant (naive, tiled implicit GEMM) against <c>cpu</c> in float64: output, data,
/// filter and bias gradients, relative error (max |a − b| / max |b|) ≤ 1e-5, on shapes that cross the 64-wide
/// tiles (O = 70, batch·P·Q past 64) and the 16-deep K slices, with strides 1–3, padding 0–2 and odd sizes.
/// </summary>
[Parallelizable(ParallelScope.None)]
public class ConvolutionKernelVariantTests
{
    private static readonly (int N, int C, int H, int W, int O, int K, int Stride, int Padding, bool Bias)[] Shapes =
    [
        (3, 5, 11, 9, 7, 3, 2, 1, true),
        (2, 3, 8, 8, 70, 3, 1, 1, false),
        (2, 17, 6, 7, 9, 1, 1, 0, true),
        (1, 4, 13, 12, 6, 5, 3, 2, false),
    ];

    private static IEnumerable<TestCaseData> Cases() =>
        from device in Devices.Accelerated
        from variant in Enum.GetValues<ConvolutionKernelVariant>()
        from index in Enumerable.Range(0, Shapes.Length)
        select new TestCaseData(device, variant, index).SetName($"Conv2d_MatchesCpuFloat64({device}, {variant}, shape {index})");

    [TestCaseSource(nameof(Cases))]
    public void Conv2d_MatchesCpuFloat64(string deviceName, ConvolutionKernelVariant variant, int index)
    {
        var device = (IlgpuDevice)Devices.Get(deviceName);
        var previous = device.ConvolutionVariant;
        device.ConvolutionVariant = variant;
        try
        {
            var expected = Run(Shapes[index], Device.Cpu, DType.Float64);
            var actual = Run(Shapes[index], device, DType.Float32);
            for (int i = 0; i < expected.Length; i++)
            {
                double scale = expected[i].Max(Math.Abs);
                Close.Assert(actual[i], expected[i], 1e-5 * scale, 0, i == 0 ? "output" : $"gradient of input {i - 1}");
            }
        }
        finally
        {
            device.ConvolutionVariant = previous;
        }
    }

    [Test]
    public void UnknownVariant_IsRefused()
    {
        var device = (IlgpuDevice)Devices.Get("ilgpu-cpu");
        Assert.Throws<ArgumentOutOfRangeException>(() => device.ConvolutionVariant = (ConvolutionKernelVariant)7);
    }

    /// <summary>Output, then the gradients of x, w (and bias), for upstream gradient weights 1 + 0.5·sin(0.3 i) (positive, so the bias gradient does not cancel).</summary>
    private static double[][] Run((int N, int C, int H, int W, int O, int K, int Stride, int Padding, bool Bias) s, Device device, DType dtype)
    {
        using var scope = TensorScope.Begin();
        Tensor Leaf(int[] shape, int seed)
        {
            var t = Tensor.RandomNormal(shape, seed, Device.Cpu, DType.Float32).ToDType(dtype).To(device);
            t.RequiresGrad = true;
            return t;
        }
        var x = Leaf([s.N, s.C, s.H, s.W], 1);
        var w = Leaf([s.O, s.C, s.K, s.K], 2);
        var bias = s.Bias ? Leaf([s.O], 3) : null;
        var y = x.Conv2d(w, bias, s.Stride, s.Padding);
        var upstream = Tensor.FromArray(Enumerable.Range(0, y.Count).Select(i => 1 + 0.5 * Math.Sin(0.3 * i)).ToArray(), y.Shape.ToArray(), Device.Cpu).ToDType(dtype).To(device);
        (y * upstream).Sum().Backward();
        var inputs = bias is null ? new[] { x, w } : new[] { x, w, bias };
        return [y.ToDoubleArray(), .. inputs.Select(t => t.Grad!.ToDoubleArray())];
    }
}
