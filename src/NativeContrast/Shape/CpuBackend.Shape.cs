using System.Numerics;

namespace NativeContrast.Backends;

/// <summary>The shape family on the managed CPU backend.</summary>
internal sealed partial class CpuBackend
{
    public void IndexSelect(BufferSlice x, BufferSlice index, BufferSlice y, int outer, int n, int m, int inner)
    {
        switch (x.Buffer)
        {
            case CpuBuffer<float>: IndexSelect<float>(x, index, y, outer, n, m, inner); break;
            case CpuBuffer<double>: IndexSelect<double>(x, index, y, outer, n, m, inner); break;
            case CpuBuffer<int>: IndexSelect<int>(x, index, y, outer, n, m, inner); break;
        }
    }

    private static void IndexSelect<T>(BufferSlice x, BufferSlice index, BufferSlice y, int outer, int n, int m, int inner) where T : unmanaged
    {
        var xa = Array<T>(x);
        var ya = Array<T>(y);
        var idx = Span<int>(index).ToArray();
        CpuParallel.For(outer * m, inner, (start, end) =>
        {
            for (int t = start; t < end; t++)
            {
                int o = t / m, j = t - o * m;
                xa.AsSpan(x.Offset + (o * n + idx[j]) * inner, inner).CopyTo(ya.AsSpan(y.Offset + t * inner, inner));
            }
        });
    }

    public void IndexAdd(BufferSlice g, BufferSlice index, BufferSlice dx, int outer, int n, int m, int inner)
    {
        if (g.Buffer is CpuBuffer<float>) IndexAdd<float>(g, index, dx, outer, n, m, inner);
        else IndexAdd<double>(g, index, dx, outer, n, m, inner);
    }

    // Parallel over `outer` only: within one outer slice, repeated indices add to the same row.
    private static void IndexAdd<T>(BufferSlice g, BufferSlice index, BufferSlice dx, int outer, int n, int m, int inner) where T : unmanaged, INumber<T>
    {
        var ga = Array<T>(g);
        var da = Array<T>(dx);
        var idx = Span<int>(index).ToArray();
        CpuParallel.For(outer, (long)m * inner, (start, end) =>
        {
            for (int o = start; o < end; o++)
                for (int j = 0; j < m; j++)
                    AddInPlace(da.AsSpan(dx.Offset + (o * n + idx[j]) * inner, inner), ga.AsSpan(g.Offset + (o * m + j) * inner, inner));
        });
    }
}
