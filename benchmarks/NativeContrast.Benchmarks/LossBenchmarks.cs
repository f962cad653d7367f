using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NativeContrast.Losses;

namespace NativeContrast.Benchmarks;

/// <summary>
/// Every loss, forward+backward on <c>cpu</c>: fused (never builds N×N) versus the same loss composed
/// from primitive ops with the similarity / distance matrix materialized (<see cref="ComposedLosses"/>).
/// Napkin math for the GFLOP/s column: 6·N²·D for the softmax losses (one N²·D product forward, two
/// backward), 2·N²·D for triplet (the mining product). Filter with --filter '*Loss*' or by case name.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class LossBenchmarks
{
    private Tensor z = null!;
    private Tensor keys = null!;
    private Tensor labels = null!;
    private int[] labelArray = null!;
    private int[] pairs = null!;
    private int[] identity = null!;

    [Params("ntxent", "supcon", "infonce", "clip", "triplet")]
    public string Loss { get; set; } = "ntxent";

    [Params(1024, 4096)]
    public int N { get; set; }

    [Params(128)]
    public int D { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        z = Tensor.RandomNormal([N, D], 1);
        keys = Tensor.RandomNormal([N, D], 2);
        z.RequiresGrad = true;
        keys.RequiresGrad = true;
        labelArray = Enumerable.Range(0, N).Select(i => i % (N / 8)).ToArray();
        labels = Tensor.FromArray(labelArray, [N], Device.Cpu);
        pairs = Enumerable.Range(0, N).Select(i => (i + N / 2) % N).ToArray();
        identity = Enumerable.Range(0, N).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        z.Dispose();
        keys.Dispose();
        labels.Dispose();
    }

    [Benchmark(Description = "fused fwd+bwd cpu")]
    public void Fused() => Step(() => Loss switch
    {
        "ntxent" => new NtXentLoss(0.1).Forward(z),
        "supcon" => new SupConLoss(0.1).Forward(z, labels),
        "infonce" => new InfoNceLoss(0.1).Forward(z, keys),
        "clip" => new ClipLoss(0.1).Forward(z, keys),
        _ => new TripletLoss(0.2).Forward(z, labels),
    });

    [Benchmark(Description = "composed fwd+bwd cpu")]
    public void Composed() => Step(() => Loss switch
    {
        "ntxent" => ComposedLosses.NtXent(z, pairs, 0.1, true),
        "supcon" => ComposedLosses.SupCon(z, labelArray, 0.1, true),
        "infonce" => ComposedLosses.InfoNce(z, keys, identity, 0.1, true),
        "clip" => ComposedLosses.Clip(z, keys, 0.1, true),
        _ => ComposedLosses.TripletBatchHard(z, labelArray, 0.2, true),
    });

    private void Step(Func<Tensor> loss)
    {
        using var scope = TensorScope.Begin();
        loss().Backward();
        z.ZeroGrad();
        keys.ZeroGrad();
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new GflopsColumn(p =>
            {
                double n = (int)p.Items.First(i => i.Name == "N").Value, d = (int)p.Items.First(i => i.Name == "D").Value;
                return (string)p.Items.First(i => i.Name == "Loss").Value == "triplet" ? 2 * n * n * d : 6 * n * n * d;
            }));
        }
    }
}
