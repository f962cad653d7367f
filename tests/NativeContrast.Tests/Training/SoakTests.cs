using NativeContrast.Losses;
using NativeContrast.Nn;
using NativeContrast.Optim;
using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Training;

/// <summary>
/// Long runs with flat memory: thousands of small training steps (an MLP encoder, batch norm, NT-Xent, LARS) in which
/// the device's live buffers and bytes and the process's resident memory after the warm-up stay within 5 %. Category
/// "Soak": part of the suite CI runs (under a minute here), and runnable alone with <c>--filter TestCategory=Soak</c>.
/// </summary>
[Category("Soak")]
[NonParallelizable]
public class SoakTests
{
    private static long ResidentBytes()
    {
        // An aggressive, compacting collection returns freed memory to the OS, so the resident size tracks what is live.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    [TestCase("cpu", 4000, 2000, false)]
    [TestCase("ilgpu-cpu", 200, 50, true)]
    public void ManySteps_KeepLiveBuffersBytesAndResidentMemoryFlat(string deviceName, int steps, int warmUp, bool minimal)
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("reads the resident set size from /proc/self/status");
        var device = Devices.Get(deviceName);
        // On ILGPU's CPU accelerator the naive contrastive kernels: the tiled ones emulate 256-thread groups with barriers, slowly.
        var ilgpu = device as IlgpuDevice;
        var previousVariant = ilgpu?.ContrastiveVariant;
        if (ilgpu is not null) ilgpu.ContrastiveVariant = ContrastiveKernelVariant.Naive;
        try
        {
            Soak(device, steps, warmUp, minimal);
        }
        finally
        {
            if (ilgpu is not null) ilgpu.ContrastiveVariant = previousVariant!.Value;
        }
    }

    /// <summary>
    /// <paramref name="minimal"/>: a linear encoder and SGD, a dozen kernel launches a step, for ILGPU's CPU accelerator,
    /// whose every launch costs milliseconds (the full step took 1.4 s there).
    /// </summary>
    private static void Soak(Device device, int steps, int warmUp, bool minimal)
    {
        string deviceName = device.Name;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using Module encoder = minimal
            ? new Linear(32, 16, bias: false, device: device, seed: 1)
            : new Sequential(new Linear(32, 64, device: device, seed: 1), new BatchNorm1d(64, device: device), new Relu(), new Linear(64, 16, device: device, seed: 2));
        using Optimizer optimizer = minimal ? new Sgd(encoder.NamedParameters(), 0.1) : new Lars(encoder.NamedParameters(), 0.1, momentum: 0.9);
        var loss = new NtXentLoss(0.2);
        (long Buffers, long Bytes, long Resident) atWarmUp = default;
        for (int step = 0; step < steps; step++)
        {
            using (TensorScope.Begin())
            {
                var views = Tensor.RandomNormal([64, 32], 1000 + step, device);
                loss.Forward(encoder.Forward(views)).Backward();
                optimizer.Step();
                optimizer.ZeroGrad();
            }
            if (step == warmUp - 1) atWarmUp = (device.LiveBuffers, device.LiveBytes, ResidentBytes());
            if ((step + 1) % 500 == 0) TestContext.Out.WriteLine($"step {step + 1}: {ResidentBytes() / 1e6:F1} MB");
        }
        var end = (device.LiveBuffers, device.LiveBytes, Resident: ResidentBytes());
        TestContext.Out.WriteLine($"{deviceName}: after warm-up {atWarmUp}, after {steps} steps {end}, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(end.LiveBuffers, Is.InRange(atWarmUp.Buffers * 0.95, atWarmUp.Buffers * 1.05), "live buffers");
        Assert.That(end.LiveBytes, Is.InRange(atWarmUp.Bytes * 0.95, atWarmUp.Bytes * 1.05), "live bytes");
        Assert.That(end.Resident, Is.LessThanOrEqualTo(atWarmUp.Resident * 1.05), "resident memory");
    }
}
