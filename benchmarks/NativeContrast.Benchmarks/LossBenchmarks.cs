using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NativeContrast.Losses;

namespace NativeContrast.Benchmarks;

/// <summary>
/// Every loss, forward and forward+backward, fused (never builds N×N) versus the same loss composed from
/// primitive ops with the similarity / distance matrix materialized (<see cref="ComposedLosses"/>), on
/// each device. Napkin math for the GFLOP/s column: 6·N²·D for a softmax loss forward+backward (one
/// N²·D product forward, two backward) and 2·N²·D forward; triplet 2·N²·D (the mining product) either way.
///
/// The full grid (N ∈ {1024, 4096, 16384}, D ∈ {128, 512}, every device found) takes hours on a 2-core
/// machine; the environment picks a part of it: NC_BENCH_LOSSES="ntxent,supcon", NC_BENCH_N="1024,4096", NC_BENCH_D="128",
/// NC_BENCH_DEVICES="cpu,cuda" (default: cpu and every usable GPU). Methods are filtered with --filter
/// as usual, e.g. --filter '*LossBenchmarks.Fused*'.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class LossBenchmarks
{
    private Device device = null!;
    private Tensor z = null!;
    private Tensor keys = null!;
    private Tensor labels = null!;
    private LossDefinition definition = null!;
    private LossArguments arguments = null!;

    [ParamsSource(nameof(Losses))]
    public string Loss { get; set; } = "ntxent";

    [ParamsSource(nameof(Sizes))]
    public int N { get; set; }

    [ParamsSource(nameof(Dimensions))]
    public int D { get; set; }

    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "cpu";

    public static IEnumerable<string> Losses => FromEnvironment("NC_BENCH_LOSSES", string.Join(",", LossCatalog.Names));

    public static IEnumerable<int> Sizes => FromEnvironment("NC_BENCH_N", "1024,4096,16384").Select(int.Parse);

    public static IEnumerable<int> Dimensions => FromEnvironment("NC_BENCH_D", "128,512").Select(int.Parse);

    public static IEnumerable<string> Devices =>
        Environment.GetEnvironmentVariable("NC_BENCH_DEVICES") is { Length: > 0 } names
            ? names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : DeviceCatalog.Probe().Where(r => r.Usable && r.Kind is DeviceKind.Cpu or DeviceKind.Cuda or DeviceKind.OpenCL).Select(r => r.Name);

    private static string[] FromEnvironment(string name, string fallback) =>
        (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    [GlobalSetup]
    public void Setup()
    {
        device = NativeContrast.Device.Create(Device);
        z = Tensor.RandomNormal([N, D], 1, device);
        keys = Tensor.RandomNormal([N, D], 2, device);
        z.RequiresGrad = true;
        keys.RequiresGrad = true;
        labels = Tensor.FromArray(Enumerable.Range(0, N).Select(i => i % (N / 8)).ToArray(), [N], device);
        // The catalog entry and the inputs it requires, resolved once, outside the timed calls.
        definition = LossCatalog.Get(Loss);
        arguments = new LossArguments(z, definition.Requires.HasFlag(LossInputKinds.Keys) ? keys : null,
            definition.Requires.HasFlag(LossInputKinds.Labels) ? labels : null);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        z.Dispose();
        keys.Dispose();
        labels.Dispose();
        device.Dispose();
    }

    [Benchmark(Description = "fused fwd")]
    public void FusedForward() => Run(Fused, backward: false);

    [Benchmark(Description = "fused fwd+bwd")]
    public void FusedForwardBackward() => Run(Fused, backward: true);

    [Benchmark(Description = "composed fwd")]
    public void ComposedForward() => Run(Composed, backward: false);

    [Benchmark(Description = "composed fwd+bwd")]
    public void ComposedForwardBackward() => Run(Composed, backward: true);

    private Tensor Fused() => definition.Fused(arguments, Options);

    private Tensor Composed() => definition.Reference(arguments, Options);

    private static readonly LossOptions Options = new() { Temperature = 0.1, Margin = 0.2 };

    /// <summary>One loss evaluation; forward-only runs with graph recording off, as inference would.</summary>
    private void Run(Func<Tensor> loss, bool backward)
    {
        using var scope = TensorScope.Begin();
        if (backward)
        {
            loss().Backward();
            z.ZeroGrad();
            keys.ZeroGrad();
        }
        else
        {
            using var noGrad = GradMode.NoGrad();
            _ = loss();
        }
        device.Synchronize();
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new GflopsColumn(c =>
            {
                var p = c.Parameters;
                double n = (int)p.Items.First(i => i.Name == "N").Value, d = (int)p.Items.First(i => i.Name == "D").Value;
                bool backward = c.Descriptor.WorkloadMethod.Name.EndsWith("ForwardBackward", StringComparison.Ordinal);
                if ((string)p.Items.First(i => i.Name == "Loss").Value == "triplet") return 2 * n * n * d;
                return (backward ? 6 : 2) * n * n * d;
            }));
        }
    }
}
