using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// <see cref="ILaneExchange{TSelf}"/> through shared memory, for devices where ILGPU emits no warp shuffles (OpenCL platforms
/// whose vendor is not Intel, ILGPU 1.5.3): each thread writes its value to its slot, the group waits, each reads its
/// partner's slot. Two group barriers per exchange (the first keeps a slot from being overwritten before the previous
/// exchange has read it); one int slot per thread, floats passed as their bits.
/// </summary>
public struct SharedMemoryExchange : ILaneExchange<SharedMemoryExchange>
{
    /// <summary>Slots: the largest group that exchanges (16×16 threads).</summary>
    public const int Slots = 256;

    private ArrayView<int> slots;

    /// <inheritdoc/>
    public readonly SharedMemoryExchange Prepare() => new() { slots = SharedMemory.Allocate<int>(Slots) };

    /// <inheritdoc/>
    public readonly int ExchangeXor(int value, int mask)
    {
        int self = Group.LinearIndex;
        Group.Barrier();
        slots[self] = value;
        Group.Barrier();
        return slots[self ^ mask];
    }

    /// <inheritdoc/>
    public readonly float ExchangeXor(float value, int mask) => Interop.IntAsFloat((uint)ExchangeXor((int)Interop.FloatAsInt(value), mask));
}
