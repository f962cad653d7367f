using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// A running arg-max (or arg-min) over a stream of (value, index): the best value and the lowest index
/// that reached it, so streams merged in any order agree with one ascending scan. Index −1: none yet.
/// </summary>
public struct ArgBest
{
    /// <summary>The best value so far.</summary>
    public float Value;
    /// <summary>Its column (−1 while none).</summary>
    public int Index;

    /// <summary>Nothing seen yet: −∞ when looking for the largest, +∞ for the smallest.</summary>
    public static ArgBest Empty(bool largest) => new() { Value = largest ? float.NegativeInfinity : float.PositiveInfinity, Index = -1 };

    /// <summary>This or (value, index), whichever is better (ties: the lower index).</summary>
    public readonly ArgBest Offer(float value, int index, bool largest)
    {
        bool better = Index < 0 || (largest ? value > Value : value < Value) || (value == Value && index < Index);
        return better ? new ArgBest { Value = value, Index = index } : this;
    }

    /// <summary>Merges the 16 adjacent lanes' candidates (lane mod 16 = 0…15) by a butterfly.</summary>
    public readonly ArgBest MergeAcross16Lanes<TExchange>(bool largest, TExchange exchange) where TExchange : struct, ILaneExchange<TExchange>
    {
        var best = this;
        for (int mask = 8; mask > 0; mask >>= 1)
        {
            float value = exchange.ExchangeXor(best.Value, mask);
            int index = exchange.ExchangeXor(best.Index, mask);
            if (index >= 0) best = best.Offer(value, index, largest);
        }
        return best;
    }
}
