using System.Runtime.Intrinsics.X86;
using NativeContrast.Backends;

namespace NativeContrast;

/// <summary>The managed CPU device (<c>cpu</c>). Disposing it does nothing: it is shared by the process.</summary>
public sealed class CpuDevice : Device
{
    internal static readonly CpuDevice Instance = new();

    private CpuDevice()
    {
    }

    /// <inheritdoc/>
    public override string Name => "cpu";

    /// <inheritdoc/>
    public override DeviceKind Kind => DeviceKind.Cpu;

    /// <inheritdoc/>
    public override string Description =>
        $"managed SIMD ({(Fma.IsSupported && Avx2.IsSupported ? "AVX2+FMA" : "portable Vector256")}), {Threads} threads";

    /// <summary>
    /// Threads the cpu backend's kernels use, process-wide: every core by default. Several ranks on one
    /// machine share its cores (the <c>train</c> command gives each rank cores / ranks-per-machine).
    /// </summary>
    public static int Threads
    {
        get => CpuParallel.Threads;
        set => CpuParallel.Threads = value;
    }

    /// <inheritdoc/>
    public override bool SupportsFloat64 => true;

    internal override IBackend Backend { get; } = new CpuBackend();

    /// <inheritdoc/>
    public override void Dispose()
    {
        // Shared singleton: nothing to release.
    }
}
