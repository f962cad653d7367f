using System.Numerics;
using System.Runtime.Intrinsics;

namespace NativeContrast.Backends;

/// <summary>The reduction family on the managed CPU backend.</summary>
internal sealed partial class CpuBackend
{
    public void SumAxis(BufferSlice x, BufferSlice y, int outer, int reduced, int inner)
    {
        if (x.Buffer is CpuBuffer<float>) SumAxis<float>(x, y, outer, reduced, inner);
        else SumAxis<double>(x, y, outer, reduced, inner);
    }

    // Accumulates whole rows of `inner` elements at a time so the inner loop is contiguous (SIMD-able).
    private static void SumAxis<T>(BufferSlice x, BufferSlice y, int outer, int reduced, int inner) where T : unmanaged, INumber<T>
    {
        var xa = Array<T>(x);
        var ya = Array<T>(y);
        if (inner == 1)
        {
            // Rows of one element (a sum over the last axis, e.g. global average pooling): a scalar sum per output, in
            // the same order as the general path's, without a span per element.
            CpuParallel.For(outer, reduced, (start, end) =>
            {
                for (int o = start; o < end; o++)
                {
                    int from = x.Offset + o * reduced;
                    T sum = T.Zero;
                    for (int r = 0; r < reduced; r++) sum += xa[from + r];
                    ya[y.Offset + o] = sum;
                }
            });
            return;
        }
        CpuParallel.For(outer, (long)reduced * inner, (start, end) =>
        {
            for (int o = start; o < end; o++)
            {
                var dst = ya.AsSpan(y.Offset + o * inner, inner);
                dst.Clear();
                for (int r = 0; r < reduced; r++)
                {
                    var src = xa.AsSpan(x.Offset + (o * reduced + r) * inner, inner);
                    AddInPlace(dst, src);
                }
            }
        });
    }

    private static void AddInPlace<T>(Span<T> dst, ReadOnlySpan<T> src) where T : unmanaged, INumber<T>
    {
        int i = 0;
        if (Vector256<T>.IsSupported)
        {
            int w = Vector256<T>.Count;
            for (; i <= dst.Length - w; i += w)
                (Vector256.Create<T>(dst.Slice(i, w)) + Vector256.Create<T>(src.Slice(i, w))).CopyTo(dst.Slice(i, w));
        }
        for (; i < dst.Length; i++) dst[i] += src[i];
    }

    public void MaxAxis(BufferSlice x, BufferSlice y, BufferSlice argMax, int outer, int reduced, int inner)
    {
        if (x.Buffer is CpuBuffer<float>) MaxAxis<float>(x, y, argMax, outer, reduced, inner);
        else MaxAxis<double>(x, y, argMax, outer, reduced, inner);
    }

    private static void MaxAxis<T>(BufferSlice x, BufferSlice y, BufferSlice argMax, int outer, int reduced, int inner)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var ya = Array<T>(y);
        var ia = Array<int>(argMax);
        CpuParallel.For(outer * inner, reduced, (start, end) =>
        {
            for (int t = start; t < end; t++)
            {
                int o = t / inner, k = t - o * inner;
                int baseIndex = x.Offset + o * reduced * inner + k;
                T best = xa[baseIndex];
                int bestIndex = 0;
                for (int r = 1; r < reduced; r++)
                {
                    T v = xa[baseIndex + r * inner];
                    if (v > best || (T.IsNaN(v) && !T.IsNaN(best))) { best = v; bestIndex = r; }
                }
                ya[y.Offset + t] = best;
                ia[argMax.Offset + t] = bestIndex;
            }
        });
    }

    public void ScatterAxis(BufferSlice g, BufferSlice argMax, BufferSlice dx, int outer, int reduced, int inner)
    {
        if (g.Buffer is CpuBuffer<float>) ScatterAxis<float>(g, argMax, dx, outer, reduced, inner);
        else ScatterAxis<double>(g, argMax, dx, outer, reduced, inner);
    }

    private static void ScatterAxis<T>(BufferSlice g, BufferSlice argMax, BufferSlice dx, int outer, int reduced, int inner) where T : unmanaged
    {
        var ga = Array<T>(g);
        var ia = Array<int>(argMax);
        var da = Array<T>(dx);
        for (int t = 0; t < outer * inner; t++)
        {
            int o = t / inner, k = t - o * inner;
            da[dx.Offset + (o * reduced + ia[argMax.Offset + t]) * inner + k] = ga[g.Offset + t];
        }
    }
}
