using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using NativeContrast.Losses;
using NativeContrast.Nn;
using NativeContrast.Optim;

namespace NativeContrast.Benchmarks;

/// <summary>
/// One full SimCLR training step of the small CNN on <c>cpu</c>: B = 256 pairs (N = 512 images of
/// 28×28), encoder → projection head → NT-Xent (τ = 0.2) → backward → SGD (momentum 0.9). The
/// images/s column is 512 ÷ mean time. Random images stand in for augmented views (augmentation is
/// timed with the data pipeline, not here).
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    public const int Images = 512;

    private SmallCnn encoder = null!;
    private ProjectionHead head = null!;
    private Sgd optimizer = null!;
    private Tensor views = null!;
    private readonly NtXentLoss loss = new(0.2);

    [GlobalSetup]
    public void Setup()
    {
        encoder = new SmallCnn(seed: 1);
        head = new ProjectionHead();
        optimizer = new Sgd(encoder.NamedParameters().Concat(head.NamedParameters()), learningRate: 0.1, momentum: 0.9);
        views = Tensor.RandomUniform([Images, 1, 28, 28], 2);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        optimizer.Dispose();
        encoder.Dispose();
        head.Dispose();
        views.Dispose();
    }

    [Benchmark(Description = "simclr step small-cnn B=256 cpu")]
    public void Step()
    {
        using var scope = TensorScope.Begin();
        loss.Forward(head.Forward(encoder.Forward(views))).Backward();
        optimizer.Step();
        optimizer.ZeroGrad();
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ImagesPerSecondColumn());
    }

    private sealed class ImagesPerSecondColumn : IColumn
    {
        public string Id => "ImagesPerSecond";
        public string ColumnName => "images/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Images per second: 512 ÷ mean step time";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
            summary[benchmarkCase]?.ResultStatistics is { } s ? (Images / (s.Mean / 1e9)).ToString("F0") : "NA";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}
