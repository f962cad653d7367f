using ILGPU;

namespace NativeContrast.Kernels;

/// <summary><see cref="ILaneExchange{TSelf}"/> by warp shuffles (<c>shfl.sync.bfly</c> on CUDA).</summary>
public struct WarpShuffleExchange : ILaneExchange<WarpShuffleExchange>
{
    public readonly WarpShuffleExchange Prepare() => this;

    public readonly float ExchangeXor(float value, int mask) => Warp.ShuffleXor(value, mask);

    public readonly int ExchangeXor(int value, int mask) => Warp.ShuffleXor(value, mask);
}
