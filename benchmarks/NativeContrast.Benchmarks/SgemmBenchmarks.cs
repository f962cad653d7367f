using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NativeContrast.Benchmarks;

/// <summary>
/// C = A·B on the <c>cpu</c> backend (packed AVX2/FMA SGEMM). Napkin math: 2·M·N·K flops; the GFLOP/s
/// column divides that by the mean time. Peer: numpy/OpenBLAS, timed by benchmarks/peers/sgemm_numpy.py.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class SgemmBenchmarks
{
    private Tensor a = null!;
    private Tensor b = null!;

    [Params(256, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        a = Tensor.RandomNormal([Size, Size], 1);
        b = Tensor.RandomNormal([Size, Size], 2);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        a.Dispose();
        b.Dispose();
    }

    [Benchmark(Description = "sgemm cpu")]
    public void Sgemm()
    {
        using var c = Tensor.Matmul(a, b);
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new GflopsColumn(p => 2.0 * Math.Pow((int)p.Items.First(i => i.Name == "Size").Value, 3)));
        }
    }
}
