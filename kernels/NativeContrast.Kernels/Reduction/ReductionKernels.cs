using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// Reductions over the middle axis of a tensor viewed as [outer, reduced, inner];
/// one thread per (outer, inner) output.
/// Variants: SumAxis; MaxAxis (also writes the arg-max, first index on ties);
/// ScatterAxis (max backward: dx[o, arg[o,i], i] = g[o,i] into a zeroed dx).
/// </summary>
public static class ReductionKernels
{
    /// <summary>y = the sum of x over a middle axis of length <paramref name="reduced"/> (x viewed as [outer, reduced, inner]).</summary>
    public static void SumAxis(Index1D i, ArrayView<float> x, ArrayView<float> y, int reduced, int inner)
    {
        int o = i / inner, k = i - o * inner;
        int baseIndex = o * reduced * inner + k;
        float sum = 0f;
        for (int r = 0; r < reduced; r++) sum += x[baseIndex + r * inner];
        y[i] = sum;
    }

    /// <summary>y = the maximum of x over a middle axis, and where it is (<paramref name="argMax"/>).</summary>
    public static void MaxAxis(Index1D i, ArrayView<float> x, ArrayView<float> y, ArrayView<int> argMax, int reduced, int inner)
    {
        int o = i / inner, k = i - o * inner;
        int baseIndex = o * reduced * inner + k;
        float best = x[baseIndex];
        int bestIndex = 0;
        for (int r = 1; r < reduced; r++)
        {
            float v = x[baseIndex + r * inner];
            // NaN propagates: a NaN wins and stays, as in PyTorch's max.
            if (v > best || (float.IsNaN(v) && !float.IsNaN(best))) { best = v; bestIndex = r; }
        }
        y[i] = best;
        argMax[i] = bestIndex;
    }

    /// <summary>dx = g scattered to the positions <paramref name="argMax"/> names (the maximum's backward).</summary>
    public static void ScatterAxis(Index1D i, ArrayView<float> g, ArrayView<int> argMax, ArrayView<float> dx, int reduced, int inner)
    {
        int o = i / inner, k = i - o * inner;
        dx[(o * reduced + argMax[i]) * inner + k] = g[i];
    }
}
