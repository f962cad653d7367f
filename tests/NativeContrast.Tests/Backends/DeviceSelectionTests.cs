using NativeContrast.Backends;
using NativeContrast.IO;

namespace NativeContrast.Tests.Backends;

/// <summary>
/// Which device <c>auto</c> takes (CUDA, then an OpenCL GPU, then cpu; never an OpenCL device of CPU type such as PoCL),
/// and what a kernel the device cannot compile becomes: one line naming the device, the kernel family and the variant
/// (exit code 1 from the CLI), and for <c>auto</c> a warning and the next device.
/// </summary>
[NonParallelizable]
public class DeviceSelectionTests
{
    private static DeviceReport Report(string name, DeviceKind kind, bool usable = true, bool gpu = false) => new(name, kind, name + " (test)", usable, usable ? null : "refused in a test", gpu);

    [Test]
    public void Auto_TakesCuda_ThenAnOpenCLGpu_ThenCpu_NeverAnOpenCLDeviceOfCpuType()
    {
        var cpu = Report("cpu", DeviceKind.Cpu);
        var pocl = Report("opencl:0", DeviceKind.OpenCL);
        var gpu = Report("opencl:1", DeviceKind.OpenCL, gpu: true);
        var cuda = Report("cuda:0", DeviceKind.Cuda, gpu: true);
        Assert.That(DeviceCatalog.AutoCandidates([pocl, cpu]).Select(r => r.Name), Is.EqualTo(new[] { "cpu" }));
        Assert.That(DeviceCatalog.AutoCandidates([pocl, gpu, cpu]).Select(r => r.Name), Is.EqualTo(new[] { "opencl:1", "cpu" }));
        Assert.That(DeviceCatalog.AutoCandidates([cuda, pocl, gpu, cpu]).Select(r => r.Name), Is.EqualTo(new[] { "cuda:0", "opencl:1", "cpu" }));
        Assert.That(DeviceCatalog.AutoCandidates([Report("cuda", DeviceKind.Cuda, usable: false), cpu]).Select(r => r.Name), Is.EqualTo(new[] { "cpu" }));
    }

    [Test]
    public void Auto_OnThisMachine_NeverPicksAnOpenCLDeviceOfCpuType()
    {
        var (name, reason) = DeviceCatalog.ResolveAuto();
        var picked = DeviceCatalog.Probe().First(r => r.Name == name);
        Assert.That(picked.Kind == DeviceKind.Cpu || picked.IsGpu, Is.True, $"auto picked {name}: {reason}");
    }

    [Test]
    public void AKernelThatFailsToCompile_IsOneLineNamingTheDeviceFamilyAndVariant_ExitCode1()
    {
        var folder = Directory.CreateTempSubdirectory("nc-compile-").FullName;
        IlgpuBackend.CompilationFailureHook = method => method.Name == "RowStatsTiled";
        try
        {
            string input = Path.Combine(folder, "z.npy");
            NpyFile.Write(input, Enumerable.Range(0, 16 * 4).Select(i => MathF.Sin(i)).ToArray(), [16, 4]);
            var output = new StringWriter();
            var error = new StringWriter();
            int code = NativeContrast.Cli.CommandLine.Run(["loss", "--kind", "ntxent", "--input", input, "--device", "ilgpu-cpu"], output, error);
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error.ToString().TrimEnd(), Is.EqualTo("error: device ilgpu-cpu could not compile the contrastive kernel RowStatsTiled<WarpShuffleExchange> " +
                "(variant Tiled): NotSupportedException: compilation failed on purpose (test hook)"));
        }
        finally
        {
            IlgpuBackend.CompilationFailureHook = null;
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void Auto_MovesOnToTheNextDevice_WithAWarning_WhenItsWarmUpFailsToCompile()
    {
        IlgpuBackend.CompilationFailureHook = method => method.DeclaringType!.Name == "ContrastiveKernels";
        try
        {
            var log = new StringWriter();
            var device = DeviceCatalog.CreateFirstWorking(
                [Report("ilgpu-cpu", DeviceKind.IlgpuCpu, gpu: true), Report("cpu", DeviceKind.Cpu)], "test", name => Device.Create(name), log);
            Assert.That(device, Is.SameAs(Device.Cpu));
            Assert.That(log.ToString(), Does.StartWith("warning: device ilgpu-cpu could not compile the contrastive kernel ")
                .And.Contain("auto moves on to cpu").And.Contain("device: auto picked 'cpu'"));
        }
        finally
        {
            IlgpuBackend.CompilationFailureHook = null;
        }
        // Without the failure the same walk keeps the first device.
        using var first = DeviceCatalog.CreateFirstWorking([Report("ilgpu-cpu", DeviceKind.IlgpuCpu, gpu: true), Report("cpu", DeviceKind.Cpu)], "test", name => Device.Create(name), null);
        Assert.That(first.Name, Is.EqualTo("ilgpu-cpu"));
    }
}
