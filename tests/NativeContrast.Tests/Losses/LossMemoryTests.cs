using System.Diagnostics;
using NativeContrast.Losses;

namespace NativeContrast.Tests.Losses;

/// <summary>
/// The fused loss at N = 65536, D = 128 on cpu stays within 200 MB beyond its input and its output
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
