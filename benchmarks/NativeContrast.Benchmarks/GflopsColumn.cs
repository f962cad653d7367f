using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Parameters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NativeContrast.Benchmarks;

/// <summary>A BenchmarkDotNet column: floating-point operations per case (from its parameters and method) ÷ mean time.</summary>
public sealed class GflopsColumn(Func<BenchmarkCase, double> flops) : IColumn
{
    public GflopsColumn(Func<ParameterInstances, double> flops) : this((BenchmarkCase c) => flops(c.Parameters))
    {
    }

    public string Id => "GFLOPs";
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Floating-point operations per second, from the case's napkin flop count and the mean time";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is null) return "NA";
        double seconds = report.ResultStatistics.Mean / 1e9;
        return (flops(benchmarkCase) / seconds / 1e9).ToString("F1");
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}
