namespace NativeContrast;

/// <summary>
/// A device could not compile one of the engine's kernels: the message names the device, the kernel family, the kernel
/// and, for families with variants, the variant, then the compiler's own reason (one line). <c>auto</c> moves on to the
/// next device when its warm-up meets one; a named device reports it.
/// </summary>
public sealed class KernelCompilationException : Exception
{
    /// <summary>A kernel of <paramref name="family"/> (variant <paramref name="variant"/>) that <paramref name="device"/> could not compile.</summary>
    public KernelCompilationException(string device, string family, string kernel, string? variant, Exception inner)
        : base($"device {device} could not compile the {family} kernel {kernel}{(variant is null ? "" : $" (variant {variant})")}: {Reason(inner)}", inner)
    {
        Device = device;
        Family = family;
        Kernel = kernel;
        Variant = variant;
    }

    /// <summary>The device's name (<c>opencl:0</c>, <c>cuda:0</c>, …).</summary>
    public string Device { get; }

    /// <summary>The kernel family (<c>contrastive</c>, <c>convolution</c>, …).</summary>
    public string Family { get; }

    /// <summary>The kernel method, with its type arguments.</summary>
    public string Kernel { get; }

    /// <summary>The family's variant that was running, where the family has variants.</summary>
    public string? Variant { get; }

    /// <summary>The innermost exception's type and message, on one line.</summary>
    private static string Reason(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return $"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ");
    }
}
