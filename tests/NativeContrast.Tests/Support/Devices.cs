namespace NativeContrast.Tests.Support;

/// <summary>
/// Shared ILGPU devices for the test run (creating a context per test would dominate the run time).
/// A device that is absent makes the test that asks for it ignored, never silently passed.
/// </summary>
public static class Devices
{
    private static readonly Dictionary<string, Device?> Cache = new();
    private static readonly Dictionary<string, string> Missing = new();

    /// <summary>
    /// Devices that parity tests compare against <c>cpu</c>: ILGPU's CPU accelerator, CUDA, and every OpenCL device ILGPU
    /// accepts (<c>opencl:0</c>, <c>opencl:1</c>, …; with PoCL's two builds, one without warp shuffles and one with
    /// Intel sub-groups), or <c>opencl</c> when there is none, so that the absence shows as skipped.
    /// </summary>
    public static readonly string[] Accelerated = ["ilgpu-cpu", "cuda", .. OpenCLDevices()];

    private static string[] OpenCLDevices()
    {
        var usable = DeviceCatalog.Probe().Where(r => r.Usable && r.Kind == DeviceKind.OpenCL).Select(r => r.Name).ToArray();
        return usable.Length > 0 ? usable : ["opencl"];
    }

    public static Device Get(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var device))
            {
                try
                {
                    device = Device.Create(name);
                }
                catch (ArgumentException e)
                {
                    device = null;
                    Missing[name] = e.Message;
                }
                Cache[name] = device;
            }
            if (device is null) Assert.Ignore($"device '{name}' is not available here: {Missing[name]}");
            return device!;
        }
    }
}
