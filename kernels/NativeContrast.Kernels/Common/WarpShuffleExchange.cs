using ILGPU;

namespace NativeContrast.Kernels;

/// <summary><see cref="ILaneExchange{TSelf}"/> by warp shuffles (<c>shfl.sync.bfly</c> on CUDA).</summary>
public struct WarpShuffleExchange : ILaneExchange<WarpShuffleExchange>
{
    /// <inheritdoc/>
    public readonly WarpShuffleExchange Prepare() => this;

    /// <inheritdoc/>
    public readonly float ExchangeXor(float value, int mask) => Warp.ShuffleXor(value, mask);

    /// <inheritdoc/>
    public readonly int ExchangeXor(int value, int mask) => Warp.ShuffleXor(value, mask);
}
