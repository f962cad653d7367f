namespace NativeContrast.Kernels;

/// <summary>
/// How the threads of a group swap a value with the thread whose index differs from theirs in the bits of a mask (one
/// step of a butterfly reduction). <see cref="WarpShuffleExchange"/> uses warp shuffles (CUDA, ILGPU's CPU accelerator,
/// OpenCL platforms ILGPU emits sub-group shuffles for); <see cref="SharedMemoryExchange"/> goes through shared memory and
/// group barriers, for OpenCL devices where ILGPU cannot emit shuffles. Kernels are generic over it, so each gets its own
/// compiled code and the shuffle path is unchanged. Every thread of the group must call <see cref="Prepare"/> and each
/// exchange (the shared-memory form has barriers); masks stay below 32, within a warp.
/// </summary>
public interface ILaneExchange<TSelf> where TSelf : struct, ILaneExchange<TSelf>
{
    /// <summary>The exchange ready for use in this kernel (allocates what it needs; call once, at the kernel's top level).</summary>
    TSelf Prepare();

    /// <summary>The value of the thread whose group index is this thread's XOR <paramref name="mask"/>.</summary>
    float ExchangeXor(float value, int mask);

    /// <summary>The value of the thread whose group index is this thread's XOR <paramref name="mask"/>.</summary>
    int ExchangeXor(int value, int mask);
}
