namespace NativeContrast;

/// <summary>The backends a <see cref="Device"/> can run on.</summary>
public enum DeviceKind
{
    /// <summary>Managed C# with Vector256/FMA and Parallel.For: the default and the fast CPU path.</summary>
    Cpu,

    /// <summary>ILGPU's CPU accelerator running the GPU kernels: for testing them without a GPU.</summary>
    IlgpuCpu,

    /// <summary>ILGPU kernels compiled to PTX on an NVIDIA GPU.</summary>
    Cuda,

    /// <summary>ILGPU kernels compiled to OpenCL C (devices with generic address space only).</summary>
    OpenCL,
}
