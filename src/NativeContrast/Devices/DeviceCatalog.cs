using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace NativeContrast;

/// <summary>
/// Finds devices, explains the ones it cannot use, and creates devices by name.
/// ILGPU loads <c>libcuda.so</c> and <c>libOpenCL.so</c> by their unversioned names; when only the
/// <c>.so.1</c> exists the report says to add a symlink. OpenCL devices without generic address space
/// (NVIDIA's, Debian 12's PoCL 3.1) are refused by ILGPU and reported as such.
/// </summary>
public static class DeviceCatalog
{
    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public const string KnownNames = "cpu, ilgpu-cpu, cuda, cuda:N, opencl, opencl:N, auto";

    /// <summary>Every device found, usable or refused: cuda, opencl, cpu, ilgpu-cpu.</summary>
    public static IReadOnlyList<DeviceReport> Probe()
    {
        var reports = new List<DeviceReport>();
        reports.AddRange(ProbeCuda());
        reports.AddRange(ProbeOpenCL());
        reports.Add(new DeviceReport("cpu", DeviceKind.Cpu, Device.Cpu.Description, true));
        reports.Add(new DeviceReport("ilgpu-cpu", DeviceKind.IlgpuCpu, "ILGPU CPU accelerator running the GPU kernels (for tests; slow)", true));
        return reports;
    }

    /// <summary>
    /// The devices <c>auto</c> tries, best first: CUDA devices, then OpenCL devices of GPU type, then <c>cpu</c>. An OpenCL
    /// device of CPU type (PoCL) is never among them: the managed <c>cpu</c> backend is about 20× faster on the same cores.
    /// </summary>
    public static IReadOnlyList<DeviceReport> AutoCandidates(IReadOnlyList<DeviceReport> reports) =>
    [
        .. reports.Where(r => r.Usable && r.Kind == DeviceKind.Cuda),
        .. reports.Where(r => r.Usable && r.Kind == DeviceKind.OpenCL && r.IsGpu),
        reports.First(r => r.Kind == DeviceKind.Cpu),
    ];

    /// <summary>The name <c>auto</c> resolves to, and why: the device's description, or why each better one was passed over.</summary>
    public static (string Name, string Reason) ResolveAuto() => ResolveAuto(Probe());

    private static (string Name, string Reason) ResolveAuto(IReadOnlyList<DeviceReport> reports)
    {
        var pick = AutoCandidates(reports)[0];
        if (pick.Kind != DeviceKind.Cpu) return (pick.Name, pick.Description);
        var passed = reports.Where(r => r.Kind is DeviceKind.Cuda or DeviceKind.OpenCL)
            .Select(r => !r.Usable ? $"{r.Name}: {r.RefusedBecause}"
                : $"{r.Name} is an OpenCL device of CPU type, used only when named (the cpu backend is faster on the same cores)")
            .ToList();
        return (pick.Name, passed.Count > 0 ? string.Join("; ", passed) : pick.Description);
    }

    /// <summary>
    /// The device one process of a data-parallel job uses: <c>auto</c>, <c>cuda</c> or <c>opencl</c> without
    /// an index becomes that kind's GPU number <paramref name="localRank"/> (modulo the count), so the
    /// ranks on a machine take one GPU each; any other name is kept.
    /// </summary>
    public static string ForLocalRank(string name, int localRank)
    {
        string key = name.Trim().ToLowerInvariant();
        if (key == "auto") key = ResolveAuto().Name;
        string kind = key.Split(':')[0];
        if (kind is not ("cuda" or "opencl") || (key.Contains(':') && name.Trim().ToLowerInvariant() != "auto")) return key;
        var usable = Probe().Where(r => r.Usable && r.Name.StartsWith(kind + ":", StringComparison.Ordinal)).ToList();
        return usable.Count == 0 ? key : usable[localRank % usable.Count].Name;
    }

    /// <summary>Opens a device by name (<c>auto</c>, <c>cpu</c>, <c>ilgpu-cpu</c>, <c>cuda[:N]</c>, <c>opencl[:N]</c>); <c>auto</c> writes its choice to <paramref name="log"/>.</summary>
    public static Device Create(string name, TextWriter? log = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string key = name.Trim().ToLowerInvariant();
        if (key == "auto") return CreateAuto(log);
        if (key == "cpu") return Device.Cpu;
        if (key == "ilgpu-cpu")
        {
            var context = Context.Create(b => b.CPU(CPUDeviceKind.Nvidia).EnableAlgorithms());
            try
            {
                return new IlgpuDevice("ilgpu-cpu", DeviceKind.IlgpuCpu, context, context.CreateCPUAccelerator(0, CPUAcceleratorMode.Parallel));
            }
            catch
            {
                context.Dispose();
                throw;
            }
        }
        var (kind, index) = ParseIndexed(key, name);
        var reports = Probe().Where(r => r.Kind == kind).ToList();
        var usable = reports.Where(r => r.Usable).ToList();
        if (index >= usable.Count)
        {
            string why = reports.Count == 0
                ? "none was found"
                : string.Join("; ", reports.Select(r => r.Usable ? $"{r.Name} is usable" : $"{r.Name}: {r.RefusedBecause}"));
            throw new ArgumentException($"Device '{name}' is not available: {why}. Run 'nativecontrast info' for details.", nameof(name));
        }
        return kind == DeviceKind.Cuda ? CreateCuda(index) : CreateOpenCL(index);
    }

    /// <summary>
    /// The first of <see cref="AutoCandidates"/> that compiles and runs a small warm-up (a fused NT-Xent forward and backward,
    /// a convolution): a GPU whose compiler refuses a kernel is passed over with a warning, for the next candidate.
    /// </summary>
    private static Device CreateAuto(TextWriter? log)
    {
        var reports = Probe();
        return CreateFirstWorking(AutoCandidates(reports), ResolveAuto(reports).Reason, name => Create(name, null), log);
    }

    /// <summary><see cref="CreateAuto"/>'s walk over the candidates (separate so tests can hand it candidates).</summary>
    internal static Device CreateFirstWorking(IReadOnlyList<DeviceReport> candidates, string reason, Func<string, Device> create, TextWriter? log)
    {
        for (int i = 0; ; i++)
        {
            var candidate = candidates[i];
            if (candidate.Kind == DeviceKind.Cpu)
            {
                log?.WriteLine($"device: auto picked 'cpu' ({(i == 0 ? reason : "the devices before it failed their warm-up")})");
                return Device.Cpu;
            }
            var device = create(candidate.Name);
            try
            {
                WarmUp(device);
                log?.WriteLine($"device: auto picked '{candidate.Name}' ({candidate.Description})");
                return device;
            }
            catch (KernelCompilationException e)
            {
                device.Dispose();
                log?.WriteLine($"warning: {e.Message}; auto moves on to {candidates[i + 1].Name}");
            }
        }
    }

    /// <summary>Compiles and runs the kernels a training step starts with, on tiny inputs.</summary>
    internal static void WarmUp(Device device)
    {
        using var scope = TensorScope.Begin();
        var z = Tensor.RandomNormal([8, 4], 1, device);
        z.RequiresGrad = true;
        new Losses.NtXentLoss(0.5).Forward(z).Backward();
        var x = Tensor.RandomNormal([1, 1, 6, 6], 2, device);
        var w = Tensor.RandomNormal([2, 1, 3, 3], 3, device);
        _ = x.Conv2d(w, padding: 1).Sum().Item();
    }

    private static (DeviceKind Kind, int Index) ParseIndexed(string key, string original)
    {
        foreach (var (prefix, kind) in new[] { ("cuda", DeviceKind.Cuda), ("opencl", DeviceKind.OpenCL) })
        {
            if (key == prefix) return (kind, 0);
            if (key.StartsWith(prefix + ":", StringComparison.Ordinal) && int.TryParse(key.AsSpan(prefix.Length + 1), out int i) && i >= 0)
                return (kind, i);
        }
        throw new ArgumentException($"Unknown device '{original}'. Known devices: {KnownNames}.", "name");
    }

    private static Device CreateCuda(int index)
    {
        var context = Context.Create(b => b.Cuda().EnableAlgorithms());
        try
        {
            var accelerator = context.CreateCudaAccelerator(index);
            return new IlgpuDevice($"cuda:{index}", DeviceKind.Cuda, context, accelerator);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    private static Device CreateOpenCL(int index)
    {
        var context = Context.Create(b => b.OpenCL(d => d.Capabilities.GenericAddressSpace).EnableAlgorithms());
        try
        {
            var accelerator = context.GetCLDevices()[index].CreateCLAccelerator(context);
            return new IlgpuDevice($"opencl:{index}", DeviceKind.OpenCL, context, accelerator);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    private static IEnumerable<DeviceReport> ProbeCuda()
    {
        string? missing = MissingLibrary("libcuda.so", "the NVIDIA driver");
        if (missing is not null)
            return [new DeviceReport("cuda", DeviceKind.Cuda, "NVIDIA GPU through CUDA", false, missing)];
        try
        {
            using var context = Context.Create(b => b.Cuda());
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
                return [new DeviceReport("cuda", DeviceKind.Cuda, "NVIDIA GPU through CUDA", false, "libcuda.so loaded, but the driver reports no CUDA device ILGPU supports")];
            var reports = new List<DeviceReport>();
            for (int i = 0; i < devices.Count; i++)
            {
                var d = devices[i];
                reports.Add(new DeviceReport($"cuda:{i}", DeviceKind.Cuda,
                    $"{d.Name} ({d.Architecture?.ToString() ?? "unknown arch"}, {d.MemorySize / (1 << 20)} MiB)", true, IsGpu: true));
            }
            return reports;
        }
        catch (Exception e)
        {
            return [new DeviceReport("cuda", DeviceKind.Cuda, "NVIDIA GPU through CUDA", false, $"ILGPU could not open CUDA: {e.Message}")];
        }
    }

    private static IEnumerable<DeviceReport> ProbeOpenCL()
    {
        string? missing = MissingLibrary("libOpenCL.so", "an OpenCL ICD loader (Debian: ocl-icd-libopencl1 and a driver such as pocl-opencl-icd)");
        if (missing is not null)
            return [new DeviceReport("opencl", DeviceKind.OpenCL, "OpenCL device", false, missing)];
        try
        {
            using var context = Context.Create(b => b.OpenCL(_ => true));
            var all = context.GetCLDevices();
            if (all.Count == 0)
                return [new DeviceReport("opencl", DeviceKind.OpenCL, "OpenCL device", false, "libOpenCL.so loaded, but no OpenCL platform lists a device")];
            var reports = new List<DeviceReport>();
            int usable = 0;
            for (int i = 0; i < all.Count; i++)
            {
                var d = all[i];
                bool gpu = d.DeviceType.HasFlag(CLDeviceType.CL_DEVICE_TYPE_GPU);
                string type = gpu ? "GPU" : d.DeviceType.HasFlag(CLDeviceType.CL_DEVICE_TYPE_CPU) ? "CPU" : "other";
                // ILGPU 1.5.3 emits warp shuffles on OpenCL only for the vendor it identifies as Intel (see IlgpuBackend.HasWarpShuffles).
                string shuffles = d.Vendor == CLDeviceVendor.Intel ? "warp shuffles" : "no warp shuffles: lanes exchange through shared memory";
                string description = $"{d.Name} ({d.PlatformName}, {d.DeviceVersion}, OpenCL C {d.CVersion}, {type} type, {shuffles})";
                if (d.Capabilities.GenericAddressSpace)
                    reports.Add(new DeviceReport($"opencl:{usable++}", DeviceKind.OpenCL, description, true, IsGpu: gpu));
                else
                    reports.Add(new DeviceReport("opencl", DeviceKind.OpenCL, description, false,
                        $"'{d.Name}' on platform '{d.PlatformName}' lacks the generic address space that ILGPU's OpenCL backend needs"));
            }
            return reports;
        }
        catch (Exception e)
        {
            return [new DeviceReport("opencl", DeviceKind.OpenCL, "OpenCL device", false, $"ILGPU could not open OpenCL: {e.Message}")];
        }
    }

    /// <summary>Null when the unversioned library loads; otherwise why not, and how to fix it.</summary>
    private static string? MissingLibrary(string name, string provider)
    {
        if (NativeLibrary.TryLoad(name, out var handle))
        {
            NativeLibrary.Free(handle);
            return null;
        }
        if (NativeLibrary.TryLoad(name + ".1", out var versioned))
        {
            NativeLibrary.Free(versioned);
            return $"{name}.1 is installed but ILGPU loads the unversioned {name}: create a symlink named {name} to it in a folder on LD_LIBRARY_PATH";
        }
        return $"{name} was not found (it comes with {provider})";
    }
}
