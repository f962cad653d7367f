using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// An online log-sum-exp over a stream of logits (running max m and Σ exp(s − m)), plus the sum of the
/// positives' logits. Two states of disjoint streams merge exactly, which is how the 16 threads sharing
/// a row in the tiled kernels combine theirs.
/// </summary>
public struct SoftmaxState
{
    /// <summary>The running maximum, the sum of exp(logit − max), and the positives' summed logit.</summary>
    public float Max, Sum, Positive;

    /// <summary>No column seen yet.</summary>
    public static SoftmaxState Empty => new() { Max = float.NegativeInfinity };

    /// <summary>ln Σ exp s over the stream (−∞ when it was empty).</summary>
    public readonly float LogSumExp => Max + MathF.Log(Sum);

    /// <summary>
    /// Adds the logits whose <paramref name="valid"/> flag is set to the log-sum-exp (not those flagged positive when
    /// <paramref name="excludePositives"/>: DCL and the debiased losses); those flagged positive also add to <see cref="Positive"/>.
    /// </summary>
    public readonly SoftmaxState Add(Float4 s, Bool4 valid, Bool4 positive, bool excludePositives)
    {
        float x = valid.X && !(excludePositives && positive.X) ? s.X : float.NegativeInfinity;
        float y = valid.Y && !(excludePositives && positive.Y) ? s.Y : float.NegativeInfinity;
        float z = valid.Z && !(excludePositives && positive.Z) ? s.Z : float.NegativeInfinity;
        float w = valid.W && !(excludePositives && positive.W) ? s.W : float.NegativeInfinity;
        float positiveSum = Positive + (positive.X ? s.X : 0f) + (positive.Y ? s.Y : 0f) + (positive.Z ? s.Z : 0f) + (positive.W ? s.W : 0f);
        float max = MathF.Max(MathF.Max(MathF.Max(x, y), MathF.Max(z, w)), Max);
        if (max == float.NegativeInfinity) return new SoftmaxState { Max = Max, Sum = Sum, Positive = positiveSum };
        float sum = Sum * MathF.Exp(Max - max) + MathF.Exp(x - max) + MathF.Exp(y - max) + MathF.Exp(z - max) + MathF.Exp(w - max);
        return new SoftmaxState { Max = max, Sum = sum, Positive = positiveSum };
    }

    /// <summary>The state of both streams together.</summary>
    public readonly SoftmaxState Merge(SoftmaxState other)
    {
        float max = MathF.Max(Max, other.Max);
        if (max == float.NegativeInfinity) return new SoftmaxState { Max = max, Sum = 0f, Positive = Positive + other.Positive };
        float sum = Sum * MathF.Exp(Max - max) + other.Sum * MathF.Exp(other.Max - max);
        return new SoftmaxState { Max = max, Sum = sum, Positive = Positive + other.Positive };
    }

    /// <summary>Merges the states of the 4 lanes of a quad (lane mod 4 = 0…3); every one of them gets the result.</summary>
    public readonly SoftmaxState MergeAcrossQuad<TExchange>(TExchange exchange) where TExchange : struct, ILaneExchange<TExchange> =>
        MergeAcrossLanes(2, exchange);

    /// <summary>Merges the states of the 16 adjacent lanes (lane mod 16 = 0…15) by a butterfly; every one of them gets the result.</summary>
    public readonly SoftmaxState MergeAcross16Lanes<TExchange>(TExchange exchange) where TExchange : struct, ILaneExchange<TExchange> =>
        MergeAcrossLanes(8, exchange);

    /// <summary>Butterfly merge over lane masks highestMask, highestMask/2, …, 1.</summary>
    private readonly SoftmaxState MergeAcrossLanes<TExchange>(int highestMask, TExchange exchange) where TExchange : struct, ILaneExchange<TExchange>
    {
        var state = this;
        for (int mask = highestMask; mask > 0; mask >>= 1)
        {
            var other = new SoftmaxState
            {
                Max = exchange.ExchangeXor(state.Max, mask),
                Sum = exchange.ExchangeXor(state.Sum, mask),
                Positive = exchange.ExchangeXor(state.Positive, mask),
            };
            state = state.Merge(other);
        }
        return state;
    }
}
