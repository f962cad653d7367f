using BenchmarkDotNet.Running;
using NativeContrast.Benchmarks;

// `--quick sgemm M N K` prints a stopwatch figure for a fast look while developing;
// recorded figures come from BenchmarkDotNet (every other argument list goes to it, --filter included).
if (args.Length > 0 && args[0] == "--quick-layers")
{
    QuickLayers.Run();
    return;
}
if (args.Length > 0 && args[0] == "--quick-parts")
{
    QuickParts.Run(args.Skip(1).ToArray());
    return;
}
if (args.Length > 0 && args[0] == "--quick")
{
    QuickTimer.Run(args.Skip(1).ToArray());
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(SgemmBenchmarks).Assembly).Run(args);
