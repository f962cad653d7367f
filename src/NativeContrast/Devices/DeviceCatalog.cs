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

    /// <summary>Every device found, usable or refused, in the order auto prefers them (cuda, opencl, cpu, ilgpu-cpu).</summary>
    public static IReadOnlyList<DeviceReport> Probe()
    {
        var reports = new List<DeviceReport>();
        reports.AddRange(ProbeCuda());
        reports.AddRange(ProbeOpenCL());
        reports.Add(new DeviceReport("cpu", DeviceKind.Cpu, Device.Cpu.Description, true));
        reports.Add(new DeviceReport("ilgpu-cpu", DeviceKind.IlgpuCpu, "ILGPU CPU accelerator running the GPU kernels (for tests; slow)", true));
        return reports;
    }

    /// <summary>The name <c>auto</c> resolves to, and why the better kinds were passed over.</summary>
    public static (string Name, string Reason) ResolveAuto()
    {
        var reports = Probe();
        var pick = reports.FirstOrDefault(r => r.Usable && r.Kind is DeviceKind.Cuda)
                   ?? reports.FirstOrDefault(r => r.Usable && r.Kind is DeviceKind.OpenCL)
                   ?? reports.First(r => r.Kind == DeviceKind.Cpu);
        var passed = reports.Where(r => !r.Usable).Select(r => $"{r.Name}: {r.RefusedBecause}").ToList();
        string reason = pick.Kind == DeviceKind.Cpu && passed.Count > 0 ? string.Join("; ", passed) : pick.Description;
        return (pick.Name, reason);
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

    public static Device Create(string name, TextWriter? log = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string key = name.Trim().ToLowerInvariant();
        if (key == "auto")
        {
            var (picked, reason) = ResolveAuto();
            log?.WriteLine($"device: auto picked '{picked}' ({reason})");
            return Create(picked, null);
        }
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
                    $"{d.Name} ({d.Architecture?.ToString() ?? "unknown arch"}, {d.MemorySize / (1 << 20)} MiB)", true));
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
                string description = $"{d.Name} ({d.PlatformName}, {d.DeviceVersion}, OpenCL C {d.CVersion})";
                if (d.Capabilities.GenericAddressSpace)
                    reports.Add(new DeviceReport($"opencl:{usable++}", DeviceKind.OpenCL, description, true));
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
