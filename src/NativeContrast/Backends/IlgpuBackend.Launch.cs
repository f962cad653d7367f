using ILGPU;
using ILGPU.Runtime;

namespace NativeContrast.Backends;

/// <summary>
/// Typed kernel loading. A launch names the kernel method itself, e.g.
/// <c>Grouped&lt;ArrayView&lt;float&gt;, float&gt;(ElementwiseKernels.Fill)(n, y, value)</c>: the method is the
/// cache key (a generic kernel is one entry per instantiation), so no string can name the wrong kernel,
/// and the parameter types are checked by the compiler against the method's signature.
/// <c>Grouped</c> loads an auto-grouped kernel over an <see cref="Index1D"/>; <c>Explicit</c> one launched
/// with a <see cref="KernelConfig"/> (groups and shared memory of its own). One overload per arity.
/// </summary>
internal sealed partial class IlgpuBackend
{
    /// <summary>
    /// The loaded form of <paramref name="kernel"/> on this accelerator, compiled on first use. A kernel the device cannot
    /// compile becomes a <see cref="KernelCompilationException"/> naming the device, the family and the variant.
    /// </summary>
    private TLaunch Cached<TLaunch>(Delegate kernel, Func<TLaunch> load) where TLaunch : Delegate =>
        (TLaunch)kernels.GetOrAdd(kernel.Method, method =>
        {
            try
            {
                if (CompilationFailureHook?.Invoke(method) == true) throw new NotSupportedException("compilation failed on purpose (test hook)");
                return load();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new KernelCompilationException(DeviceName, Family(method), KernelName(method), Variant(method), e);
            }
        });

    /// <summary>Test hook: a kernel for which it returns true fails to compile, as on a device whose compiler refuses it.</summary>
    internal static Func<System.Reflection.MethodInfo, bool>? CompilationFailureHook { get; set; }

    /// <summary>The family of a kernel: its class's name without "Kernels" (ContrastiveKernels → contrastive).</summary>
    private static string Family(System.Reflection.MethodInfo method) =>
        method.DeclaringType!.Name.Replace("Kernels", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    private static string KernelName(System.Reflection.MethodInfo method) => method.IsGenericMethod
        ? $"{method.Name}<{string.Join(", ", method.GetGenericArguments().Select(a => a.Name))}>"
        : method.Name;

    /// <summary>The variant setting of the families that have one.</summary>
    private string? Variant(System.Reflection.MethodInfo method) => method.DeclaringType!.Name switch
    {
        nameof(NativeContrast.Kernels.ContrastiveKernels) => ContrastiveVariant.ToString(),
        nameof(NativeContrast.Kernels.ConvolutionKernels) => ConvolutionVariant.ToString(),
        _ => null,
    };

    private Action<Index1D, T1> Grouped<T1>(Action<Index1D, T1> kernel) where T1 : struct =>
        Cached(kernel, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    private Action<Index1D, T1, T2> Grouped<T1, T2>(Action<Index1D, T1, T2> kernel) where T1 : struct where T2 : struct =>
        Cached(kernel, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    private Action<Index1D, T1, T2, T3> Grouped<T1, T2, T3>(Action<Index1D, T1, T2, T3> kernel) where T1 : struct where T2 : struct where T3 : struct =>
        Cached(kernel, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    private Action<Index1D, T1, T2, T3, T4> Grouped<T1, T2, T3, T4>(Action<Index1D, T1, T2, T3, T4> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct =>
        Cached(kernel, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    private Action<Index1D, T1, T2, T3, T4, T5> Grouped<T1, T2, T3, T4, T5>(Action<Index1D, T1, T2, T3, T4, T5> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct =>
        Cached(kernel, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    private Action<Index1D, T1, T2, T3, T4, T5, T6> Grouped<T1, T2, T3, T4, T5, T6>(Action<Index1D, T1, T2, T3, T4, T5, T6> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct =>
        Cached(kernel, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7> Grouped<T1, T2, T3, T4, T5, T6, T7>(Action<Index1D, T1, T2, T3, T4, T5, T6, T7> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct =>
        Cached(kernel, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8> Grouped<T1, T2, T3, T4, T5, T6, T7, T8>(Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct =>
        Cached(kernel, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9> Grouped<T1, T2, T3, T4, T5, T6, T7, T8, T9>(Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct =>
        Cached(kernel, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> Grouped<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10>(Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct =>
        Cached(kernel, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> Grouped<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11>(Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct where T11 : struct =>
        Cached(kernel, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> Grouped<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12>(Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct where T11 : struct where T12 : struct =>
        Cached(kernel, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    private Action<KernelConfig, T1> Explicit<T1>(Action<T1> kernel) where T1 : struct =>
        Cached(kernel, () => accelerator.LoadStreamKernel(kernel));

    private Action<KernelConfig, T1, T2> Explicit<T1, T2>(Action<T1, T2> kernel) where T1 : struct where T2 : struct =>
        Cached(kernel, () => accelerator.LoadStreamKernel(kernel));

    private Action<KernelConfig, T1, T2, T3> Explicit<T1, T2, T3>(Action<T1, T2, T3> kernel) where T1 : struct where T2 : struct where T3 : struct =>
        Cached(kernel, () => accelerator.LoadStreamKernel(kernel));

    private Action<KernelConfig, T1, T2, T3, T4> Explicit<T1, T2, T3, T4>(Action<T1, T2, T3, T4> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct =>
        Cached(kernel, () => accelerator.LoadStreamKernel(kernel));

    private Action<KernelConfig, T1, T2, T3, T4, T5> Explicit<T1, T2, T3, T4, T5>(Action<T1, T2, T3, T4, T5> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct =>
        Cached(kernel, () => accelerator.LoadStreamKernel(kernel));

    private Action<KernelConfig, T1, T2, T3, T4, T5, T6> Explicit<T1, T2, T3, T4, T5, T6>(Action<T1, T2, T3, T4, T5, T6> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct =>
        Cached(kernel, () => accelerator.LoadStreamKernel(kernel));

    private Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7> Explicit<T1, T2, T3, T4, T5, T6, T7>(Action<T1, T2, T3, T4, T5, T6, T7> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct =>
        Cached(kernel, () => accelerator.LoadStreamKernel(kernel));

    private Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7, T8> Explicit<T1, T2, T3, T4, T5, T6, T7, T8>(Action<T1, T2, T3, T4, T5, T6, T7, T8> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct =>
        Cached(kernel, () => accelerator.LoadStreamKernel(kernel));

    private Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7, T8, T9> Explicit<T1, T2, T3, T4, T5, T6, T7, T8, T9>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct =>
        Cached(kernel, () => accelerator.LoadStreamKernel(kernel));

    private Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> Explicit<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct =>
        Cached(kernel, () => accelerator.LoadStreamKernel(kernel));

    private Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> Explicit<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct where T11 : struct =>
        Cached(kernel, () => accelerator.LoadStreamKernel(kernel));

    private Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> Explicit<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct where T11 : struct where T12 : struct =>
        Cached(kernel, () => accelerator.LoadStreamKernel(kernel));
}
