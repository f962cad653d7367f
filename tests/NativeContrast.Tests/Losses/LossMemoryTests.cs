using System.Diagnostics;
using NativeContrast.Losses;
using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Losses;

/// <summary>
/// What the fused losses hold beyond their inputs and gradients. (1) Per device, as live tensor bytes: a
/// normalizing softmax loss keeps O(N) (norms and statistics): the kernels scale each row by 1/‖x‖ as they
/// load it, and the normalization's backward runs in place on the gradient. A separate normalize node held
/// y and ∂L/∂y, and the leaf's gradient was copied: three N×D buffers, 1.5 GiB for NT-Xent at N = 1,048,576,
/// D = 128 against the GPU issue's 1 GiB. The triplet loss likewise holds no gathered or normalized rows.
/// (2) The fused loss at N = 65536, D = 128 on cpu stays within 200 MB beyond its input and its output
/// gradient (a float32 similarity matrix alone would be 16 GiB). Measured as the process's peak
/// resident memory (Linux VmHWM, reset through /proc/self/clear_refs) above the resident memory
/// before the call, so managed arrays, pooled buffers and native packing buffers all count.
/// </summary>
[NonParallelizable]
public class LossMemoryTests
{
    private const string Status = "/proc/self/status";

    private static long StatusKiB(string field)
    {
        foreach (var line in File.ReadLines(Status))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]);
        throw new InvalidOperationException($"{field} not in {Status}");
    }

    // The losses for negatives on cpu only, but drop-top (its own top-K kernel) on both: dcl, debiased and hcl run the
    // kernels ntxent runs on ilgpu-cpu (HCL's second-scale gradient there is a scratch buffer, not a tensor).
    private static IEnumerable<TestCaseData> NormalizingLosses() =>
        from device in new[] { "cpu", "ilgpu-cpu" }
        from loss in new[] { "ntxent", "supcon", "infonce", "clip", "clip-learned-tau", "triplet", "ntxent-drop-top", "dcl", "debiased", "hcl" }
        where device == "cpu" || loss is not ("dcl" or "debiased" or "hcl")
        select new TestCaseData(device, loss).SetName($"NormalizingLoss_BeyondInputsAndGradients_HoldsNoCopyOfTheRows({device}, {loss})");

    [TestCaseSource(nameof(NormalizingLosses))]
    public void NormalizingLoss_BeyondInputsAndGradients_HoldsNoCopyOfTheRows(string deviceName, string loss)
    {
        var device = deviceName == "cpu" ? Device.Cpu : Devices.Get(deviceName);
        const int n = 256, d = 64;
        using var scope = TensorScope.Begin();
        var a = Tensor.RandomNormal([n, d], 1, device);
        var b = Tensor.RandomNormal([n, d], 2, device);
        a.RequiresGrad = true;
        b.RequiresGrad = true;
        var labels = Tensor.FromArray(Enumerable.Range(0, n).Select(i => i % 16).ToArray(), [n], device);
        using var temperature = new LearnableTemperature(0.07, device);
        Func<Tensor> forward = loss switch
        {
            "ntxent" => () => new NtXentLoss(0.1).Forward(a),
            "supcon" => () => new SupConLoss(0.1).Forward(a, labels),
            "infonce" => () => new InfoNceLoss(0.1).Forward(a, b),
            "clip" => () => new ClipLoss(0.1).Forward(a, b),
            "clip-learned-tau" => () => new ClipLoss(temperature).Forward(a, b), // ∂L/∂θ from row dots, no x ⊙ g
            "ntxent-drop-top" => () => new NtXentLoss(0.1).ForwardDropTop(a, null, 8).Loss,
            "dcl" => () => new DecoupledContrastiveLoss(0.1).Forward(a),
            "debiased" => () => new DebiasedContrastiveLoss(0.1, 0.0, 0.1).Forward(a),
            "hcl" => () => new DebiasedContrastiveLoss(0.1, 1.0, 0.1).Forward(a),
            _ => () => new TripletLoss(0.2).Forward(a, labels),
        };
        bool twoSets = loss is "infonce" or "clip" or "clip-learned-tau";
        long rowBytes = (long)n * d * sizeof(float), inputBytes = twoSets ? 2 * rowBytes : rowBytes;
        using (TensorScope.Begin()) forward().Backward(); // first use: kernels compiled, pools filled
        a.ZeroGrad();
        b.ZeroGrad();
        long before = device.LiveBytes, forwardPeak;
        device.ResetPeakLiveBytes();
        using (TensorScope.Begin())
        {
            var value = forward();
            device.Synchronize();
            forwardPeak = device.PeakLiveBytes - before; // no gradient exists yet
            value.Backward();
            device.Synchronize();
        }
        long beyond = device.PeakLiveBytes - before - inputBytes; // the gradients are as large as the inputs
        TestContext.Out.WriteLine($"{loss} on {deviceName}, N={n} D={d}: forward peak {forwardPeak / 1024.0:F1} KiB, forward+backward peak {beyond / 1024.0:F1} KiB " +
            $"beyond inputs and gradients ({rowBytes / 1024.0:F0} KiB per copy of a set's rows)");
        Assert.That(a.Grad, Is.Not.Null);
        // O(N) bytes per row: norms and statistics for the softmax losses; norms, pair indices, distances and their
        // stats for the triplet (PairDistanceOp reads the anchor, positive and negative rows in place); drop-top's K = 8
        // dropped indices and threshold per row beside its statistics.
        int bytesPerRow = loss is "triplet" or "ntxent-drop-top" ? 128 : 64;
        long bound = (twoSets ? 2 : 1) * bytesPerRow * (long)n;
        Assert.That(forwardPeak, Is.LessThanOrEqualTo(bound), "forward: no temporary as large as the rows (input checks, normalization, gathers)");
        Assert.That(beyond, Is.LessThanOrEqualTo(bound), "no normalized copy of the rows, no ∂L/∂y beside ∂L/∂x, no copy of the leaf's gradient, no gathered rows");
    }

    [Test]
    public void NtXent_65536x128_ForwardBackward_StaysUnder200MB()
    {
        if (!File.Exists("/proc/self/clear_refs")) Assert.Ignore("Needs Linux /proc to measure peak resident memory.");
        const int n = 65536, d = 128;
        using var scope = TensorScope.Begin();
        var z = Tensor.RandomNormal([n, d], 1);
        z.RequiresGrad = true;
        // Give freed memory back to the OS first, so that reuse of already-resident garbage does not hide what the loss needs.
        ((NativeContrast.Backends.CpuBackend)Device.Cpu.Backend).Pool.Clear();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5"); // resets VmHWM to the current RSS
        long before = StatusKiB("VmRSS");
        var clock = Stopwatch.StartNew();
        var loss = new NtXentLoss(0.1).Forward(z);
        loss.Backward();
        clock.Stop();
        long peak = StatusKiB("VmHWM");
        double extraMiB = (peak - before) / 1024.0 - (double)n * d * sizeof(float) / (1 << 20);
        TestContext.Out.WriteLine($"N={n} D={d}: fwd+bwd {clock.Elapsed.TotalSeconds:F1} s, peak RSS {peak / 1024.0:F0} MiB, {extraMiB:F0} MiB beyond input and gradient");
        Assert.That(double.IsFinite(loss.Item()), Is.True);
        Assert.That(loss.Item(), Is.GreaterThan(Math.Log(n - 1) - 1).And.LessThan(Math.Log(n - 1) + 11), "about ln(N − 1) for random rows");
        Assert.That(z.Grad!.ToFloatArray().All(float.IsFinite), Is.True);
        Assert.That(extraMiB, Is.LessThan(200), "MiB beyond the input and its gradient");
    }
}
