using NativeContrast.Autograd;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NativeContrast.Losses;

namespace NativeContrast.Cli;

/// <summary>
/// <c>nativecontrast bench</c>: times one loss (forward + backward) or SGEMM on random data, for
/// scripts. Prints the median and min time, GFLOP/s by napkin math (softmax losses 6·N·M·D: one
/// N×M×D product forward, two backward; triplet 2·N²·D for mining, twice for semi-hard; SGEMM
/// 2·N³) and the memory: the peak of live tensor bytes above the inputs, the same less the gradients the
/// step leaves (what the loss itself needs), and on cpu the managed bytes allocated per repetition. The device is synchronized before every clock read;
/// the timed repetitions follow a warm-up of about a second (<c>--warmup-s</c>), so that they time the optimized code.
/// </summary>
internal static class BenchCommand
{
    /// <summary>Every loss of the catalog, triplet with semi-hard mining, SGEMM and the SimCLR training step.</summary>
    private static readonly string[] Kinds = [.. LossCatalog.Names, TripletSemiHard, NtXentDropTop, "sgemm", "simclr-step"];

    private const string TripletSemiHard = "triplet-semihard";

    /// <summary>NT-Xent with drop-top (K = 8): its top-K pass and the thresholded passes.</summary>
    private const string NtXentDropTop = "ntxent-drop-top";

    /// <summary>The <c>--variant</c> names of the contrastive kernel variants (also used by <c>check</c>).</summary>
    internal static readonly IReadOnlyDictionary<string, ContrastiveKernelVariant> VariantNames = new Dictionary<string, ContrastiveKernelVariant>
    {
        ["naive"] = ContrastiveKernelVariant.Naive,
        ["tiled"] = ContrastiveKernelVariant.Tiled,
        ["tf32"] = ContrastiveKernelVariant.TensorCoreTf32,
        ["tiled-vec"] = ContrastiveKernelVariant.TiledVector,
        ["tf32x3"] = ContrastiveKernelVariant.TensorCoreTf32x3,
    };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var kind = new Option<string>("--kind") { Description = string.Join(" | ", Kinds), Required = true };
        kind.AcceptOnlyFromAmong(Kinds);
        var n = new Option<int>("--n") { Description = "Rows (queries); the matrix size for sgemm.", DefaultValueFactory = _ => 4096 };
        var m = new Option<int?>("--m") { Description = "Keys for infonce (default N)." };
        var d = new Option<int>("--d") { Description = "Embedding dimension.", DefaultValueFactory = _ => 128 };
        var device = new Option<string>("--device") { Description = "cpu, ilgpu-cpu, cuda[:N], opencl[:N] or auto.", DefaultValueFactory = _ => "cpu" };
        var reps = new Option<int>("--reps") { Description = "Timed repetitions (after the warm-up).", DefaultValueFactory = _ => 10 };
        var warmupSeconds = new Option<double>("--warmup-s")
        {
            Description = $"Warm up for this many seconds before timing: the step is repeated until they have passed (at least once, at most {MaxWarmupCalls} times). " +
                ".NET first runs new code unoptimized and recompiles what is called often, so on the cpu backend the first calls can be several times slower than the rest; 0 warms up once.",
            DefaultValueFactory = _ => 1.0,
        };
        var json = new Option<bool>("--json") { Description = "One JSON line instead of text." };
        var warmupRows = new Option<int?>("--warmup-n")
        {
            Description = "Rows of the warm-up repetitions (default --n). Fewer compile the kernels without a full-size repetition, " +
                "for sizes where one takes many seconds; the first timed repetition then also allocates the full-size buffers.",
        };
        var encoderOption = new Option<string>("--encoder")
        {
            Description = "simclr-step: the encoder, small-cnn (the default model, global pooling) or resnet18 (the CIFAR stem, as train uses it on 28×28 images).",
            DefaultValueFactory = _ => "small-cnn",
        };
        encoderOption.AcceptOnlyFromAmong("small-cnn", "resnet18");
        var profile = new Option<bool>("--profile") { Description = "simclr-step: also print where the step's time goes, by op (forward, backward, optimizer), over the timed repetitions." };
        var variant = new Option<string?>("--variant") { Description = "ILGPU devices: the contrastive kernels, naive | tiled | tf32 | tiled-vec | tf32x3 (default tiled; tf32x3 is fp32-accurate on TF32 tensor cores)." };
        variant.AcceptOnlyFromAmong(VariantNames.Keys.ToArray());
        var command = new Command("bench", "Time a loss's forward+backward (or SGEMM) on random data.");
        foreach (var o in new Option[] { kind, n, m, d, device, reps, warmupSeconds, warmupRows, json, variant, profile, encoderOption }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            int rows = parse.GetValue(n), dim = parse.GetValue(d), repetitions = parse.GetValue(reps);
            int keys = parse.GetValue(m) ?? rows;
            int warmup = parse.GetValue(warmupRows) ?? rows;
            double warmupTime = parse.GetValue(warmupSeconds);
            if (rows < 2 || dim < 1 || keys < 2 || repetitions < 1 || warmup < 2 || warmup > rows || !(warmupTime >= 0))
                throw new ArgumentException($"bench needs --n ≥ 2, --m ≥ 2, --d ≥ 1, --reps ≥ 1, --warmup-s ≥ 0 and 2 ≤ --warmup-n ≤ --n; " +
                    $"got n={rows}, m={keys}, d={dim}, reps={repetitions}, warmup-s={warmupTime}, warmup-n={warmup}.");
            using var dev = Device.Create(parse.GetValue(device)!, error);
            if (parse.GetValue(variant) is { } name)
            {
                if (dev is not IlgpuDevice ilgpu) throw new ArgumentException($"--variant applies to ILGPU devices (cuda, opencl, ilgpu-cpu), not '{dev.Name}'.");
                ilgpu.ContrastiveVariant = VariantNames[name];
            }
            var measured = parse.GetValue(kind)!;
            if (parse.GetValue(profile) && measured != "simclr-step") throw new ArgumentException("--profile goes with --kind simclr-step.");
            var encoderName = parse.GetValue(encoderOption)!;
            if (encoderName != "small-cnn" && measured != "simclr-step") throw new ArgumentException("--encoder goes with --kind simclr-step.");
            bool resNet = encoderName == "resnet18";
            BenchResult result;
            if (warmup < rows)
            {
                var small = Measure(measured, warmup, Math.Min(keys, warmup), dim, dev, 1, warmupTime, resNet: resNet);
                result = Measure(measured, rows, keys, dim, dev, repetitions, warmupSeconds: null, parse.GetValue(profile), resNet) with { WarmupCalls = small.WarmupCalls + 1 };
            }
            else result = Measure(measured, rows, keys, dim, dev, repetitions, warmupTime, parse.GetValue(profile), resNet);
            if (dev is IlgpuDevice used && parse.GetValue(kind) is not ("sgemm" or "simclr-step"))
                result = result with { Variant = VariantNames.First(v => v.Value == used.ContrastiveVariant).Key };
            output.WriteLine(parse.GetValue(json) ? result.ToJson() : result.ToText());
            if (result.Profile is { } ops) WriteProfile(output, ops, repetitions, result.MedianMs);
            return 0;
        });
        return command;
    }

    /// <summary>The profile as a table: per op, ms per step, share of the profiled time, calls per step; the 25 largest, the rest summed.</summary>
    private static void WriteProfile(TextWriter output, IReadOnlyList<(string Phase, string Op, double Milliseconds, int Count)> ops, int steps, double medianMs)
    {
        double total = ops.Sum(o => o.Milliseconds);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"profile over {steps} steps: {total / steps:F1} ms per step attributed (median step {medianMs:F1} ms); time since the previous op, by op"));
        output.WriteLine($"{"phase",-9} {"op",-28} {"ms/step",9} {"share",7} {"calls/step",11}");
        foreach (var (phase, op, ms, count) in ops.Take(25))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{phase,-9} {op,-28} {ms / steps,9:F2} {ms / total,7:P1} {count / (double)steps,11:F1}"));
        if (ops.Count > 25)
        {
            double rest = ops.Skip(25).Sum(o => o.Milliseconds);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"",-9} {$"{ops.Count - 25} more",-28} {rest / steps,9:F2} {rest / total,7:P1}"));
        }
    }

    internal sealed record BenchResult(string Kind, int N, int M, int D, string Device, double MedianMs, double MinMs, double Gflop, double PeakTensorMiB, double? AllocatedMiB)
    {
        /// <summary>simclr-step with --profile: the time by (phase, op) over the timed repetitions.</summary>
        public IReadOnlyList<(string Phase, string Op, double Milliseconds, int Count)>? Profile { get; init; }

        /// <summary>The contrastive kernel variant that ran (ILGPU devices), else null.</summary>
        public string? Variant { get; init; }

        /// <summary>
        /// What the step held beyond its inputs and the gradients it leaves on them (MiB): the larger of the forward's peak
        /// (no gradient exists yet) and the whole step's peak less those gradients. Not measured for the training step (null).
        /// </summary>
        public double? BeyondInputsAndGradientsMiB { get; init; }

        /// <summary>Untimed calls before the timed repetitions (at <c>--warmup-n</c> rows where that is smaller).</summary>
        public int WarmupCalls { get; init; }

        /// <summary>Values read back to the host per training step (<see cref="Device.HostReads"/>; each waits for the device); null for the losses.</summary>
        public double? HostReadsPerStep { get; init; }

        /// <summary>The training step's encoder (small-cnn or resnet18).</summary>
        public string Encoder { get; init; } = "small-cnn";

        /// <summary>The training step: garbage collections (all generations, and the full ones) and the time the GC paused the process, per step.</summary>
        public (double Collections, double FullCollections, double PauseMs)? GcPerStep { get; init; }

        public string ToText() => Kind == "simclr-step"
            ? string.Create(CultureInfo.InvariantCulture, $"simclr-step {Encoder}, {N} images of 28×28 on {Device}: median {MedianMs:F1} ms, min {MinMs:F1} ms after {WarmupCalls} warm-up calls, {N / MedianMs * 1e3:F0} images/s (median), peak tensor memory {PeakTensorMiB:F0} MiB, {HostReadsPerStep:F0} host reads per step{(GcPerStep is { } gc ? $"; per step the GC collected {gc.Collections:F1} times ({gc.FullCollections:F1} full) and paused {gc.PauseMs:F1} ms" : "")}")
            : string.Create(CultureInfo.InvariantCulture,
            $"{Kind} n={N}{(M != N ? $" m={M}" : "")} d={D} on {Device}{(Variant is null ? "" : $" ({Variant} kernels)")}: median {MedianMs:F2} ms, min {MinMs:F2} ms after {WarmupCalls} warm-up calls, {Gflop / MedianMs / 1e6:F1} GFLOP/s (median), " +
            $"peak tensor memory above inputs {PeakTensorMiB:F1} MiB ({BeyondInputsAndGradientsMiB:F2} MiB beyond inputs and gradients){(AllocatedMiB is { } a ? $", managed allocation {a:F1} MiB per rep" : "")}");

        public string ToJson() => string.Create(CultureInfo.InvariantCulture,
            $"{{\"kind\": \"{Kind}\", \"n\": {N}, \"m\": {M}, \"d\": {D}, \"device\": \"{Device}\", {(Variant is null ? "" : $"\"variant\": \"{Variant}\", ")}\"median_ms\": {MedianMs:F3}, \"min_ms\": {MinMs:F3}, \"warmup_calls\": {WarmupCalls}, " +
            $"\"gflops\": {Gflop / MedianMs / 1e6:F2}, \"peak_tensor_mib\": {PeakTensorMiB:F2}{(BeyondInputsAndGradientsMiB is { } b ? $", \"beyond_inputs_and_gradients_mib\": {b:F2}" : "")}{(AllocatedMiB is { } a ? $", \"allocated_mib\": {a:F2}" : "")}{(HostReadsPerStep is { } h ? $", \"host_reads_per_step\": {h:F1}" : "")}}}");
    }

    /// <summary>
    /// One SimCLR step on n images of 28×28 (NT-Xent τ = 0.2, SGD momentum 0.9) of the small CNN, or of ResNet-18 with the
    /// CIFAR stem; flops not counted (GFLOP/s reads 0).
    /// </summary>
    private static BenchResult MeasureTrainingStep(int n, Device device, int reps, double? warmupSeconds, bool profileSteps, bool resNet)
    {
        using Nn.Module encoder = resNet ? new Nn.ResNet18(inChannels: 1, device: device, seed: 1) : new Nn.SmallCnn(device: device, seed: 1);
        using var head = new Nn.ProjectionHead(inFeatures: resNet ? 512 : 128, device: device);
        using var optimizer = new Optim.Sgd(encoder.NamedParameters().Concat(head.NamedParameters()), 0.1, momentum: 0.9);
        using var views = Tensor.RandomUniform([n, 1, 28, 28], 2, device: device);
        var loss = new NtXentLoss(0.2);
        void Once()
        {
            OpProfile.Restart();
            using var scope = TensorScope.Begin();
            loss.Forward(head.Forward(encoder.Forward(views))).Backward();
            optimizer.Step();
            OpProfile.Mark("optimizer", "Sgd.Step");
            optimizer.ZeroGrad();
            device.Synchronize();
            OpProfile.Mark("optimizer", "ZeroGrad");
        }
        int warmupCalls = warmupSeconds is { } seconds ? WarmUp(Once, seconds) : 0;
        long baseline = device.LiveBytes, readsBefore = device.HostReads;
        device.ResetPeakLiveBytes();
        var times = new double[reps];
        int collectionsBefore = GC.CollectionCount(0), fullBefore = GC.CollectionCount(2);
        var pauseBefore = GC.GetTotalPauseDuration();
        if (profileSteps) OpProfile.Start();
        for (int r = 0; r < reps; r++)
        {
            var clock = Stopwatch.StartNew();
            Once();
            times[r] = clock.Elapsed.TotalMilliseconds;
        }
        var profile = profileSteps ? OpProfile.Stop() : null;
        Array.Sort(times);
        return new BenchResult("simclr-step", n, n, 28 * 28, device.Name, times[reps / 2], times[0], 0, (device.PeakLiveBytes - baseline) / (double)(1 << 20), null)
        {
            Encoder = resNet ? "resnet18" : "small-cnn",
            WarmupCalls = warmupCalls,
            HostReadsPerStep = (device.HostReads - readsBefore) / (double)reps,
            GcPerStep = ((GC.CollectionCount(0) - collectionsBefore) / (double)reps, (GC.CollectionCount(2) - fullBefore) / (double)reps,
                (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds / reps),
            Profile = profile,
        };
    }

    /// <summary>The most untimed calls <see cref="WarmUp"/> makes, however short they are.</summary>
    internal const int MaxWarmupCalls = 50;

    /// <summary>
    /// Repeats <paramref name="once"/> until <paramref name="seconds"/> have passed (at least once, at most
    /// <see cref="MaxWarmupCalls"/> times) and returns how often it ran. The runtime compiles a method unoptimized first and
    /// again, optimized, once it has been called about 30 times; at N = 1024 on cpu the first eight NT-Xent steps took 23–33 ms
    /// and the ninth 73.5 ms, the 71 after them a median of 12.5 ms, so a single warm-up call timed the unoptimized code.
    /// </summary>
    private static int WarmUp(Action once, double seconds)
    {
        var clock = Stopwatch.StartNew();
        int calls = 0;
        do
        {
            once();
            calls++;
        }
        while (clock.Elapsed.TotalSeconds < seconds && calls < MaxWarmupCalls);
        return calls;
    }

    /// <summary>
    /// Times <paramref name="reps"/> repetitions after warming up at the same size for <paramref name="warmupSeconds"/>
    /// (<see cref="WarmUp"/>; null: no warm-up); the training step with <paramref name="profile"/> also by op (<see cref="OpProfile"/>).
    /// </summary>
    internal static BenchResult Measure(string kind, int n, int m, int d, Device device, int reps, double? warmupSeconds, bool profile = false, bool resNet = false)
    {
        using var inputs = TensorScope.Begin();
        var z = Tensor.RandomNormal([n, d], 1, device);
        var k = Tensor.RandomNormal([m, d], 2, device);
        z.RequiresGrad = true;
        k.RequiresGrad = true;
        var classes = Math.Max(2, n / 8);
        var labels = Tensor.FromArray(Enumerable.Range(0, n).Select(i => i % classes).ToArray(), [n], device);
        var square = kind == "sgemm" ? Tensor.RandomNormal([n, n], 3, device) : null;
        if (kind == "simclr-step") return MeasureTrainingStep(n, device, reps, warmupSeconds, profile, resNet);
        bool isLoss = kind != "sgemm";
        var loss = isLoss ? LossCatalog.Get(kind switch { TripletSemiHard => "triplet", NtXentDropTop => "ntxent", _ => kind }) : null;
        var options = new LossOptions
        {
            Mining = kind == TripletSemiHard ? TripletMining.SemiHard : TripletMining.Hard,
            FalseNegatives = kind == NtXentDropTop ? FalseNegatives.DropTop : FalseNegatives.Keep,
            TopK = 8,
        };
        if (loss?.Name == "clip") m = n;
        var arguments = new LossArguments(z, loss?.Requires.HasFlag(LossInputKinds.Keys) == true ? (k.Shape[0] == m ? k : k.Rows(0, m)) : null,
            loss?.Requires.HasFlag(LossInputKinds.Labels) == true ? labels : null);
        // The forward: a scalar loss, or the SGEMM product (no backward).
        Func<Tensor> forward = loss is not null ? () => loss.Fused(arguments, options) : () => Tensor.Matmul(square!, square!);
        double flop = loss?.Flops(n, m, d, options) ?? 2.0 * n * n * n;
        // Peaks of live tensor bytes per repetition: after the forward (no gradient exists yet) and after the backward.
        long gradientBytes = 0, forwardPeak = 0, stepPeak = 0;
        void Once()
        {
            device.ResetPeakLiveBytes();
            using (TensorScope.Begin())
            {
                var output = forward();
                device.Synchronize();
                forwardPeak = Math.Max(forwardPeak, device.PeakLiveBytes);
                if (isLoss) output.Backward();
                device.Synchronize();
                stepPeak = Math.Max(stepPeak, device.PeakLiveBytes);
            }
            gradientBytes = ((long?)z.Grad?.Count ?? 0) * sizeof(float) + ((long?)k.Grad?.Count ?? 0) * sizeof(float);
            z.ZeroGrad();
            k.ZeroGrad();
        }
        int warmupCalls = warmupSeconds is { } seconds ? WarmUp(Once, seconds) : 0;
        var times = new double[reps];
        long baseline = device.LiveBytes;
        forwardPeak = stepPeak = 0;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (int r = 0; r < reps; r++)
        {
            var clock = Stopwatch.StartNew();
            Once();
            times[r] = clock.Elapsed.TotalMilliseconds;
        }
        double? allocated = device == Device.Cpu ? (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)reps / (1 << 20) : null;
        Array.Sort(times);
        // Beyond inputs and gradients: the larger of the forward's peak (before any gradient exists) and the whole step's peak less the gradients.
        long beyond = Math.Max(forwardPeak - baseline, stepPeak - baseline - gradientBytes);
        return new BenchResult(kind, n, m, d, device.Name, times[reps / 2], times[0], flop, (stepPeak - baseline) / (double)(1 << 20), allocated)
        {
            BeyondInputsAndGradientsMiB = beyond / (double)(1 << 20),
            WarmupCalls = warmupCalls,
        };
    }
}
