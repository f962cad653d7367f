using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using NativeContrast.Kernels;

namespace NativeContrast;

/// <summary>
/// Compiles the GPU fast-path kernels to PTX with ILGPU's PTX backend, without a GPU or a driver, so that
/// the PTX can be checked on any machine (ILGPU accepts it; <c>ptxas -v</c> reports registers, stack
/// frame and spills). The <c>ptx</c> command writes the files; the GPU runner loads the same kernels
/// through the driver.
/// </summary>
internal static class PtxExport
{
    /// <summary>One compiled kernel: its name and PTX text.</summary>
    public sealed record Kernel(string Name, string Ptx);

    /// <summary>The kernels of the fused-loss fast path (explicitly grouped: their group size is fixed by the code).</summary>
    public static IReadOnlyList<MethodInfo> FastPathKernels { get; } =
    [
        Method(typeof(ContrastiveKernels), nameof(ContrastiveKernels.RowStatsTiled)).MakeGenericMethod(typeof(WarpShuffleExchange)),
        Method(typeof(ContrastiveKernels), nameof(ContrastiveKernels.GradientTiled)),
        Method(typeof(ContrastiveKernels), nameof(ContrastiveKernels.RowStatsTiledVector)).MakeGenericMethod(typeof(WarpShuffleExchange)),
        Method(typeof(ContrastiveKernels), nameof(ContrastiveKernels.GradientTiledVector)),
        Method(typeof(ContrastiveKernels), nameof(ContrastiveKernels.RowStatsTensorCore)).MakeGenericMethod(typeof(Tf32Operands)),
        Method(typeof(ContrastiveKernels), nameof(ContrastiveKernels.GradientTensorCore)).MakeGenericMethod(typeof(Tf32Operands)),
        Method(typeof(ContrastiveKernels), nameof(ContrastiveKernels.RowStatsTensorCore)).MakeGenericMethod(typeof(SplitTf32Operands)),
        Method(typeof(ContrastiveKernels), nameof(ContrastiveKernels.GradientTensorCore)).MakeGenericMethod(typeof(SplitTf32Operands)),
        Method(typeof(ContrastiveKernels), nameof(ContrastiveKernels.TripletMineTiled)).MakeGenericMethod(typeof(WarpShuffleExchange)),
        Method(typeof(ConvolutionKernels), nameof(ConvolutionKernels.ImplicitGemmTiled)).MakeGenericMethod(typeof(ConvForwardGemm)),
        Method(typeof(ConvolutionKernels), nameof(ConvolutionKernels.ImplicitGemmTiled)).MakeGenericMethod(typeof(ConvDataGemm)),
        Method(typeof(ConvolutionKernels), nameof(ConvolutionKernels.ImplicitGemmTiled)).MakeGenericMethod(typeof(ConvFilterGemm)),
    ];

    /// <summary>
    /// Compiles <see cref="FastPathKernels"/> (or those whose name contains <paramref name="only"/>) for
    /// compute capability <paramref name="major"/>.<paramref name="minor"/>, at ILGPU's O2 like the devices.
    /// </summary>
    public static IReadOnlyList<Kernel> Compile(int major = 8, int minor = 0, string? only = null)
    {
        var architecture = new CudaArchitecture(major, minor);
        if (architecture < CudaArchitecture.SM_60)
            throw new ArgumentOutOfRangeException(nameof(major), $"sm_{major}{minor}: the kernels need compute capability 6.0 or newer (warp shuffles with masks).");
        using var context = Context.Create(b => b.Default().EnableAlgorithms().Optimize(OptimizationLevel.O2));
        // ISA 7.8 (CUDA 11.8) covers sm_90 and is accepted by every newer ptxas and driver.
        var backend = new PTXBackend(context, architecture, CudaInstructionSet.ISA_78, null!);
        var result = new List<Kernel>();
        foreach (var method in FastPathKernels.Where(m => only is null || m.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            var entry = EntryPointDescription.FromExplicitlyGroupedKernel(method);
            var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
            // Named by their operands or GEMM direction; the lane exchange is warp shuffles on CUDA, so it goes unnamed.
            string name = method.Name + string.Concat(method.GetGenericArguments().Where(a => a != typeof(WarpShuffleExchange)).Select(a => "." + a.Name));
            result.Add(new Kernel($"{method.DeclaringType!.Name}.{name}", compiled.PTXAssembly));
        }
        if (result.Count == 0) throw new ArgumentException($"No fast-path kernel's name contains '{only}'.", nameof(only));
        return result;
    }

    private static MethodInfo Method(Type type, string name) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.Static) ?? throw new MissingMethodException(type.Name, name);
}
