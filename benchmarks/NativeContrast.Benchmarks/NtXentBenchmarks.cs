using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NativeContrast.Losses;

namespace NativeContrast.Benchmarks;

/// <summary>
/// NT-Xent forward+backward on <c>cpu</c>: fused (never builds N×N) versus the same loss composed from
/// primitive ops (normalize → z·zᵀ/τ → diagonal mask → cross-entropy). Napkin math: 6·N²·D flops
/// (one N²·D product forward, two backward), shown as GFLOP/s.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class NtXentBenchmarks
{
    private Tensor z = null!;
    private Tensor mask = null!;
    private Tensor positives = null!;

    [Params(1024, 4096)]
    public int N { get; set; }

    [Params(128)]
    public int D { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        z = Tensor.RandomNormal([N, D], 1);
        z.RequiresGrad = true;
        positives = NtXentLoss.DefaultPositives(N, Device.Cpu);
        var m = new float[N * N];
        for (int i = 0; i < N; i++) m[i * N + i] = -1e9f;
        mask = Tensor.FromArray(m, N, N);
    }

    [Benchmark(Description = "ntxent fused fwd+bwd cpu")]
    public void Fused()
    {
        using var scope = TensorScope.Begin();
        new NtXentLoss(0.1).Forward(z, positives).Backward();
        z.ZeroGrad();
    }

    [Benchmark(Description = "ntxent composed fwd+bwd cpu")]
    public void Composed()
    {
        using var scope = TensorScope.Begin();
        var zn = z.L2NormalizeRows();
        var s = Tensor.Matmul(zn, zn, transposeB: true) * 10.0 + mask;
        Tensor.CrossEntropy(s, positives).Backward();
        z.ZeroGrad();
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new GflopsColumn(p =>
            {
                double n = (int)p.Items.First(i => i.Name == "N").Value, d = (int)p.Items.First(i => i.Name == "D").Value;
                return 6 * n * n * d;
            }));
        }
    }
}
