using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// One row's part in the backward weights of a softmax-contrastive loss (see
/// <see cref="ContrastiveKernels.GradientNaive"/>): its key (positive index or label), log-sum-exp, loss
/// coefficient and the weight 1/|P| of each of its positives.
/// </summary>
public struct SoftmaxTerm
{
    /// <summary>The row's key.</summary>
    public int Key;
    /// <summary>The row's log-sum-exp, gradient coefficient and positive weight.</summary>
    public float Lse, Coefficient, PositiveWeight;

    /// <summary>Row <paramref name="index"/>'s term of <paramref name="side"/> (key −1 and zeros past <paramref name="count"/>); the key and the statistics are read only when asked for.</summary>
    public static SoftmaxTerm Load(ViewSide side, int index, int count, bool readKey, bool readStatistics)
    {
        var term = new SoftmaxTerm { Key = -1 };
        if (index >= count) return term;
        if (readKey) term.Key = side.Keys[index];
        if (readStatistics)
        {
            term.Lse = side.Lse[index];
            term.Coefficient = side.Coefficient[index];
            term.PositiveWeight = side.PositiveWeight[index];
        }
        return term;
    }
}
