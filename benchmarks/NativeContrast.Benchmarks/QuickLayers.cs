using System.Diagnostics;

namespace NativeContrast.Benchmarks;

/// <summary>Development timing of the small CNN's layer ops at B = 512 (forward and backward separately); not a recorded benchmark.</summary>
internal static class QuickLayers
{
    public static void Run()
    {
        int n = 512;
        var plan = new (int Cin, int Cout, int Stride, int Size)[] { (1, 32, 1, 28), (32, 32, 2, 28), (32, 64, 1, 14), (64, 64, 2, 14), (64, 128, 2, 7) };
        foreach (var (cin, cout, stride, size) in plan)
        {
            using var scope = TensorScope.Begin();
            var x = Tensor.RandomNormal([n, cin, size, size], 1);
            var w = Tensor.RandomNormal([cout, cin, 3, 3], 2);
            x.RequiresGrad = true;
            w.RequiresGrad = true;
            var gamma = Tensor.Ones([cout]);
            var beta = Tensor.Zeros([cout]);
            gamma.RequiresGrad = true;
            var rm = Tensor.Zeros([cout]);
            var rv = Tensor.Ones([cout]);
            Tensor? y = null, b = null, r = null;
            Time($"conv {cin}->{cout} s{stride} {size}x{size} fwd", () => { y?.Dispose(); y = x.Conv2d(w, null, stride, 1); });
            Time($"  bn fwd", () => { b?.Dispose(); b = y!.BatchNorm(gamma, beta, rm, rv, true); });
            Time($"  relu fwd", () => { r?.Dispose(); r = b!.Relu(); });
            var g = Tensor.RandomNormal(r!.Shape.ToArray(), 3);
            var s = NativeContrast.Ops.Conv2dOp.Window(x, 3, 3, stride, 1, "q");
            s.OutChannels = cout;
            var dx = Tensor.Empty(x.Shape.ToArray(), Device.Cpu, DType.Float32);
            var dw = Tensor.Empty(w.Shape.ToArray(), Device.Cpu, DType.Float32);
            Time($"  conv backward data", () => Device.Cpu.Backend.Conv2dBackwardData(g.Data, w.Data, dx.Data, s));
            Time($"  conv backward filter", () => Device.Cpu.Backend.Conv2dBackwardFilter(x.Data, g.Data, dw.Data, s));
            Time($"  bn backward", () => { using var sc = TensorScope.Begin(); b!.GradFn!.Backward(g); });
            Time($"  relu backward", () => { using var sc = TensorScope.Begin(); r!.GradFn!.Backward(g); });
            Time($"  backward (relu, bn, conv)", () =>
            {
                x.ZeroGrad();
                w.ZeroGrad();
                gamma.ZeroGrad();
                using var inner = TensorScope.Begin();
                var out_ = x.Conv2d(w, null, stride, 1).BatchNorm(gamma, beta, rm, rv, true).Relu();
                out_.Backward(g);
            });
        }
    }

    private static void Time(string what, Action action)
    {
        action();
        int gen2 = GC.CollectionCount(2);
        var pause = GC.GetTotalPauseDuration();
        long allocated = GC.GetTotalAllocatedBytes();
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine($"{what}: median {times[2]:F1} ms (5 runs: {GC.CollectionCount(2) - gen2} gen2 GCs, {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F0} ms GC pause, {(GC.GetTotalAllocatedBytes() - allocated) / 1e6:F0} MB allocated)");
    }
}
