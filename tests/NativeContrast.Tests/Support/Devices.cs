namespace NativeContrast.Tests.Support;

/// <summary>
/// Shared ILGPU devices for the test run (creating a context per test would dominate the run time).
/// A device that is absent makes the test that asks for it ignored, never silently passed.
/// </summary>
public static class Devices
{
    private static readonly Dictionary<string, Device?> Cache = new();
    private static readonly Dictionary<string, string> Missing = new();

    /// <summary>Devices that parity tests compare against <c>cpu</c>.</summary>
    public static readonly string[] Accelerated = ["ilgpu-cpu", "cuda", "opencl"];

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
