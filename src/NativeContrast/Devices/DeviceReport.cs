namespace NativeContrast;

/// <summary>
/// What the probe found for one device: usable, or present but refused (and why), and whether it is a GPU (CUDA devices,
/// OpenCL devices of GPU type); <c>auto</c> takes only GPUs, so an OpenCL device of CPU type (PoCL) is used by name only.
/// </summary>
public sealed record DeviceReport(string Name, DeviceKind Kind, string Description, bool Usable, string? RefusedBecause = null, bool IsGpu = false);
