namespace NativeContrast;

/// <summary>What the probe found for one device: usable, or present but refused (and why).</summary>
public sealed record DeviceReport(string Name, DeviceKind Kind, string Description, bool Usable, string? RefusedBecause = null);
