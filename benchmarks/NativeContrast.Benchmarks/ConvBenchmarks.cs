using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace NativeContrast.Benchmarks;

/// <summary>
/// The small CNN's five 3×3 convolutions (padding 1, no bias) at the SimCLR step's batch of 512 images,
/// forward and forward+backward (data and filter gradients), on each device (NC_BENCH_DEVICES as in
/// <see cref="LossBenchmarks"/>). GFLOP/s: 2·N·Cout·Hout·Wout·Cin·9 forward, three times that for both.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class ConvBenchmarks
{
    private static readonly (int In, int Out, int Stride, int Size)[] Layers = [(1, 32, 1, 28), (32, 32, 2, 28), (32, 64, 1, 14), (64, 64, 2, 14), (64, 128, 2, 7)];

    private Device device = null!;
    private Tensor x = null!;
    private Tensor weight = null!;
    private Tensor upstream = null!;

    /// <summary>Which convolution of the small CNN (1 to 5).</summary>
    [Params(1, 2, 3, 4, 5)]
    public int Layer { get; set; }

    [Params(512)]
    public int Batch { get; set; }

    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "cpu";

    public static IEnumerable<string> Devices => LossBenchmarks.Devices;

    [GlobalSetup]
    public void Setup()
    {
        var (cin, cout, _, size) = Layers[Layer - 1];
        device = NativeContrast.Device.Create(Device);
        x = Tensor.RandomNormal([Batch, cin, size, size], 1, device);
        weight = Tensor.RandomNormal([cout, cin, 3, 3], 2, device, std: 0.1);
        x.RequiresGrad = true;
        weight.RequiresGrad = true;
        int outSize = (size + 2 - 3) / Layers[Layer - 1].Stride + 1;
        upstream = Tensor.RandomNormal([Batch, cout, outSize, outSize], 3, device);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        x.Dispose();
        weight.Dispose();
        upstream.Dispose();
        device.Dispose();
    }

    [Benchmark(Description = "conv2d fwd")]
    public void Forward()
    {
        using var scope = TensorScope.Begin();
        using var noGrad = GradMode.NoGrad();
        _ = x.Conv2d(weight, null, Layers[Layer - 1].Stride, 1);
        device.Synchronize();
    }

    /// <summary>Forward, then backward from a fixed upstream gradient (the sweep copies it once), giving dx and dW.</summary>
    [Benchmark(Description = "conv2d fwd+bwd")]
    public void ForwardBackward()
    {
        using var scope = TensorScope.Begin();
        x.Conv2d(weight, null, Layers[Layer - 1].Stride, 1).Backward(upstream);
        x.ZeroGrad();
        weight.ZeroGrad();
        device.Synchronize();
    }

    internal static double Flops(int layer, int batch, bool backward)
    {
        var (cin, cout, stride, size) = Layers[layer - 1];
        int outSize = (size + 2 - 3) / stride + 1;
        return (backward ? 3 : 1) * 2.0 * batch * cout * outSize * outSize * cin * 9;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new GflopsColumn(c => Flops(
            (int)c.Parameters.Items.First(i => i.Name == "Layer").Value,
            (int)c.Parameters.Items.First(i => i.Name == "Batch").Value,
            c.Descriptor.WorkloadMethod.Name == nameof(ForwardBackward))));
    }
}
