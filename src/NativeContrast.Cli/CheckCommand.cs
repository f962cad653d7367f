using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NativeContrast.Augmentation;
using NativeContrast.Losses;

namespace NativeContrast.Cli;

/// <summary>
/// <c>nativecontrast check --device NAME</c>: runs every kernel family of a device (losses, matrix
/// product, convolution, pooling, normalization, elementwise, augmentation) forward and backward on
/// random float32 inputs and compares outputs and input gradients with the <c>cpu</c> backend computing
/// the same thing in float64 (augmentation, which is float32 only, in float32). Prints the relative error (max |a − b| / max |b|) of each, optionally the
/// median time of forward+backward on the device, and exits 1 if any error is above the tolerance.
/// The GPU runner uses it; on this machine <c>--device ilgpu-cpu</c> runs the GPU kernels on the CPU.
/// </summary>
internal static class CheckCommand
{
    /// <summary>
    /// One check: its inputs (those with RequiresGrad get their gradients compared) and the computation.
    /// <paramref name="ReferenceDType"/> is float64 unless the op exists in float32 only (augmentation).
    /// </summary>
    private sealed record Case(string Name, Func<Device, DType, Tensor[]> Inputs, Func<Tensor[], Tensor> Compute, DType ReferenceDType = DType.Float64)
    {
        /// <summary>Whether the case runs the fused contrastive kernels (checked once per variant on ILGPU devices).</summary>
        public bool Contrastive { get; init; }

        /// <summary>The contrastive kernel variant to check (ILGPU devices), else null.</summary>
        public ContrastiveKernelVariant? Variant { get; init; }
    }

    /// <summary>TF32 rounds inputs to 10 mantissa bits: its cases pass at up to 3e-3 (the issue's bound for TF32 and bf16).</summary>
    private const double Tf32Tolerance = 3e-3;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var device = new Option<string>("--device") { Description = "The device to check against cpu (float64): cuda[:N], opencl[:N], ilgpu-cpu, cpu, auto.", DefaultValueFactory = _ => "auto" };
        var tolerance = new Option<double>("--tolerance") { Description = "Largest relative error that passes (float32 kernels).", DefaultValueFactory = _ => 1e-4 };
        var time = new Option<bool>("--time") { Description = "Also time forward+backward of each case on the device (median of 20 after warm-up)." };
        var filter = new Option<string?>("--only") { Description = "Only cases whose name contains this text." };
        var command = new Command("check", "Check a device's kernels against cpu (float64) on random inputs, forward and backward.");
        foreach (var o in new Option[] { device, tolerance, time, filter }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            using var target = Device.Create(parse.GetValue(device)!, output);
            return Run(target, parse.GetValue(tolerance), parse.GetValue(time), parse.GetValue(filter), output);
        });
        return command;
    }

    internal static int Run(Device device, double tolerance, bool time, string? only, TextWriter output)
    {
        output.WriteLine($"check: {device.Name} ({device.Description}) against cpu in float64; pass if relative error ≤ {tolerance:G2}" +
            (device is IlgpuDevice ? $" (TF32 cases ≤ {Math.Max(tolerance, Tf32Tolerance):G2}); losses once per contrastive kernel variant" : ""));
        int failed = 0, count = 0;
        var ilgpu = device as IlgpuDevice;
        var defaultVariant = ilgpu?.ContrastiveVariant;
        var cases = Cases().SelectMany(c => c.Contrastive && ilgpu is not null
            ? BenchCommand.VariantNames.Select(v => c with { Name = $"{c.Name} [{v.Key}]", Variant = v.Value })
            : [c]);
        foreach (var c in cases.Where(c => only is null || c.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            count++;
            if (ilgpu is not null) ilgpu.ContrastiveVariant = c.Variant ?? defaultVariant!.Value;
            double limit = c.Variant == ContrastiveKernelVariant.TensorCoreTf32 ? Math.Max(tolerance, Tf32Tolerance) : tolerance;
            double worst;
            string worstPart;
            try
            {
                (worst, worstPart) = Compare(c, device);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failed++;
                output.WriteLine($"  {c.Name,-34} ERROR {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
                continue;
            }
            bool ok = worst <= limit;
            if (!ok) failed++;
            string timing = time ? string.Create(CultureInfo.InvariantCulture, $"  {Time(c, device),9:F3} ms") : "";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c.Name,-34} {(ok ? "ok  " : "FAIL")}  rel. error {worst:E2} ({worstPart}){timing}"));
        }
        if (ilgpu is not null) ilgpu.ContrastiveVariant = defaultVariant!.Value;
        output.WriteLine($"{count - failed} of {count} cases passed on {device.Name}");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>The largest relative error over the output and every input gradient, and where it was.</summary>
    private static (double Error, string Part) Compare(Case c, Device device)
    {
        var (reference, referenceGrads) = Evaluate(c, Device.Cpu, c.ReferenceDType);
        var (actual, actualGrads) = Evaluate(c, device, DType.Float32);
        var (error, part) = (Errors.Relative(actual, reference), "output");
        for (int i = 0; i < referenceGrads.Length; i++)
        {
            double e = Errors.Relative(actualGrads[i], referenceGrads[i]);
            if (e > error) (error, part) = (e, $"grad {i}");
        }
        return (error, part);
    }

    private static (double[] Output, double[][] Grads) Evaluate(Case c, Device device, DType dtype)
    {
        using var scope = TensorScope.Begin();
        var inputs = c.Inputs(device, dtype);
        var y = c.Compute(inputs);
        var result = y.ToDoubleArray();
        if (!y.RequiresGrad) return (result, []);
        var weights = Tensor.RandomNormal(y.Shape.ToArray(), 99, device, dtype);
        (y * weights).Sum().Backward();
        return (result, inputs.Where(l => l.RequiresGrad).Select(l => l.Grad?.ToDoubleArray() ?? new double[l.Count]).ToArray());
    }

    /// <summary>Median of 20 forward+backward passes on inputs made beforehand, the device synchronized around each.</summary>
    private static double Time(Case c, Device device)
    {
        using var inputScope = TensorScope.Begin();
        var inputs = c.Inputs(device, DType.Float32);
        var times = new double[20];
        for (int r = -2; r < times.Length; r++)
        {
            using var scope = TensorScope.Begin();
            device.Synchronize();
            long start = Stopwatch.GetTimestamp();
            var y = c.Compute(inputs);
            if (y.RequiresGrad) y.Sum().Backward();
            device.Synchronize();
            if (r >= 0) times[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            foreach (var input in inputs) input.ZeroGrad();
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }


    private static Tensor Leaf(int[] shape, int seed, Device device, DType dtype, double std = 1)
    {
        var t = Tensor.RandomNormal(shape, seed, device, dtype, std);
        t.RequiresGrad = true;
        return t;
    }

    private static Tensor Labels(int n, int classes, Device device) => Tensor.FromArray(Enumerable.Range(0, n).Select(i => i * 7 % classes).ToArray(), [n], device);

    private static Case Unary(string name, int[] shape, Func<Tensor, Tensor> f) => new(name, (d, t) => [Leaf(shape, 1, d, t)], x => f(x[0]));

    private static IEnumerable<Case> Cases()
    {
        foreach (double tau in new[] { 0.1, 0.01 })
        {
            yield return Unary($"ntxent 512×64 τ={tau}", [512, 64], z => new NtXentLoss(tau).Forward(z)) with { Contrastive = true };
            yield return new Case($"supcon 512×64 τ={tau}", (d, t) => [Leaf([512, 64], 1, d, t), Labels(512, 16, d)], x => new SupConLoss(tau).Forward(x[0], x[1])) { Contrastive = true };
        }
        yield return new Case("infonce 256 vs 384 keys ×64",
            (d, t) => [Leaf([256, 64], 1, d, t), Leaf([384, 64], 2, d, t), Tensor.FromArray(Enumerable.Range(0, 256).Select(i => i * 3 % 384).ToArray(), [256], d)],
            x => new InfoNceLoss(0.1).Forward(x[0], x[1], x[2])) { Contrastive = true };
        yield return new Case("clip 256×64", (d, t) => [Leaf([256, 64], 1, d, t), Leaf([256, 64], 2, d, t)], x => new ClipLoss(0.1).Forward(x[0], x[1])) { Contrastive = true };
        // Sizes off every tile edge (a partial last 64-row tile, D past a 16- and 32-dimension chunk and past a 128-wide
        // gradient slice), so that a GPU run also checks how the kernels handle the edges.
        yield return Unary("ntxent 200×136 τ=0.1", [200, 136], z => new NtXentLoss(0.1).Forward(z)) with { Contrastive = true };
        yield return new Case("infonce 136 vs 200 keys ×72",
            (d, t) => [Leaf([136, 72], 1, d, t), Leaf([200, 72], 2, d, t), Tensor.FromArray(Enumerable.Range(0, 136).Select(i => i * 7 % 200).ToArray(), [136], d)],
            x => new InfoNceLoss(0.1).Forward(x[0], x[1], x[2])) { Contrastive = true };
        foreach (var mining in new[] { TripletMining.Hard, TripletMining.SemiHard })
            yield return new Case($"triplet {mining} 512×64", (d, t) => [Leaf([512, 64], 1, d, t), Labels(512, 16, d)], x => new TripletLoss(0.2, mining).Forward(x[0], x[1]));
        yield return new Case("matmul 256×320 · 320×192", (d, t) => [Leaf([256, 320], 1, d, t), Leaf([320, 192], 2, d, t)], x => x[0].Matmul(x[1]));
        foreach (var (stride, padding) in new[] { (1, 1), (2, 1), (1, 0) })
            yield return new Case($"conv2d 3×3 s{stride} p{padding} 8×16×14×14→32",
                (d, t) => [Leaf([8, 16, 14, 14], 1, d, t), Leaf([32, 16, 3, 3], 2, d, t, 0.2), Leaf([32], 3, d, t)],
                x => x[0].Conv2d(x[1], x[2], stride, padding));
        yield return Unary("maxpool2d 2 8×16×14×14", [8, 16, 14, 14], x => x.MaxPool2d(2));
        yield return Unary("avgpool2d 3 s2 p1 8×16×14×14", [8, 16, 14, 14], x => x.AvgPool2d(3, 2, 1));
        yield return Unary("global avgpool 8×16×14×14", [8, 16, 14, 14], x => x.GlobalAvgPool2d());
        yield return new Case("batchnorm train 16×24×7×7",
            (d, t) => [Leaf([16, 24, 7, 7], 1, d, t), Leaf([24], 2, d, t), Leaf([24], 3, d, t), Tensor.Zeros([24], d, t), Tensor.Ones([24], d, t)],
            x => x[0].BatchNorm(x[1], x[2], x[3], x[4], training: true));
        yield return new Case("layernorm 64×96", (d, t) => [Leaf([64, 96], 1, d, t), Leaf([96], 2, d, t), Leaf([96], 3, d, t)], x => x[0].LayerNorm(x[1], x[2]));
        yield return Unary("gelu 64×96", [64, 96], x => x.Gelu());
        yield return Unary("relu·exp·log·sqrt 64×96", [64, 96], x => x.Relu() + x.Exp() + (x * x + 1.0).Log() + (x * x + 0.5).Sqrt());
        yield return Unary("l2 normalize rows 128×64", [128, 64], x => x.L2NormalizeRows());
        yield return new Case("cross entropy 128×10", (d, t) => [Leaf([128, 10], 1, d, t), Labels(128, 10, d)], x => Tensor.CrossEntropy(x[0], x[1]));
        yield return Unary("sum / max over axes 64×96", [64, 96], x => x.Sum(0) + x.Max(1).Reshape(64).Sum());
        yield return new Case("augment simclr 2 views 16×3×32×32",
            (d, _) => [Tensor.RandomUniform([16, 3, 32, 32], 5, 0, 1, d, DType.Float32)],
            x => Augmentations.SimClr(32).Views(x[0], 2, 1234), DType.Float32);
    }
}
