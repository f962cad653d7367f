using ILGPU;
using ILGPU.Algorithms;

namespace NativeContrast.Kernels;

/// <summary>
/// Gather along an axis of a tensor viewed as [outer, n, inner] with an index vector of length m.
/// Variants: IndexSelect (y[o, j, i] = x[o, index[j], i]); IndexAdd (its backward:
/// dx[o, index[j], i] += g[o, j, i], atomic because indices may repeat).
/// </summary>
public static class IndexKernels
{
    /// <summary>y = the rows of x that <paramref name="index"/> names (x viewed as [n, inner], y as [m, inner]).</summary>
    public static void IndexSelect(Index1D t, ArrayView<float> x, ArrayView<int> index, ArrayView<float> y, int n, int m, int inner)
    {
        int i = t % inner;
        int rest = t / inner;
        int j = rest % m;
        int o = rest / m;
        y[t] = x[(o * n + index[j]) * inner + i];
    }

    /// <summary>dx[index[j]] += g[j] for every row j (the backward of IndexSelect; atomic).</summary>
    public static void IndexAdd(Index1D t, ArrayView<float> g, ArrayView<int> index, ArrayView<float> dx, int n, int m, int inner)
    {
        int i = t % inner;
        int rest = t / inner;
        int j = rest % m;
        int o = rest / m;
        Atomic.Add(ref dx[(o * n + index[j]) * inner + i], g[t]);
    }
}
