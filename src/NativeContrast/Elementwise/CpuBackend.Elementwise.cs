using System.Runtime.Intrinsics;
using NativeContrast.Kernels;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Backends;

/// <summary>The elementwise family on the managed CPU backend.</summary>
internal sealed partial class CpuBackend
{
    public void Unary<TFunction>(TFunction f, BufferSlice x, BufferSlice y) where TFunction : struct, IUnaryFunction
    {
        if (x.Buffer is CpuBuffer<float>)
        {
            var xa = Array<float>(x);
            var ya = Array<float>(y);
            CpuParallel.For(x.Length, 4, (start, end) =>
            {
                var xs = xa.AsSpan(x.Offset + start, end - start);
                var ys = ya.AsSpan(y.Offset + start, end - start);
                int i = 0;
                for (; i <= xs.Length - 8; i += 8)
                    f.Apply(Vector256.Create<float>(xs.Slice(i, 8))).CopyTo(ys.Slice(i, 8));
                for (; i < xs.Length; i++) ys[i] = f.Apply(xs[i]);
            });
        }
        else
        {
            var xa = Array<double>(x);
            var ya = Array<double>(y);
            CpuParallel.For(x.Length, 4, (start, end) =>
            {
                for (int i = start; i < end; i++) ya[y.Offset + i] = f.Apply(xa[x.Offset + i]);
            });
        }
    }

    public void Binary<TFunction>(TFunction f, BufferSlice a, BufferSlice b, BufferSlice y, StridedPair? layout)
        where TFunction : struct, IBinaryFunction
    {
        if (a.Buffer is CpuBuffer<float>)
        {
            var aa = Array<float>(a);
            var ba = Array<float>(b);
            var ya = Array<float>(y);
            if (layout is null)
            {
                CpuParallel.For(y.Length, 2, (start, end) =>
                {
                    var xs = aa.AsSpan(a.Offset + start, end - start);
                    var zs = ba.AsSpan(b.Offset + start, end - start);
                    var ys = ya.AsSpan(y.Offset + start, end - start);
                    int i = 0;
                    for (; i <= ys.Length - 8; i += 8)
                        f.Apply(Vector256.Create<float>(xs.Slice(i, 8)), Vector256.Create<float>(zs.Slice(i, 8))).CopyTo(ys.Slice(i, 8));
                    for (; i < ys.Length; i++) ys[i] = f.Apply(xs[i], zs[i]);
                });
            }
            else
            {
                var l = layout.Value;
                CpuParallel.For(y.Length, 8, (start, end) =>
                {
                    for (int i = start; i < end; i++)
                    {
                        l.Offsets(i, out int oa, out int ob);
                        ya[y.Offset + i] = f.Apply(aa[a.Offset + oa], ba[b.Offset + ob]);
                    }
                });
            }
        }
        else
        {
            var aa = Array<double>(a);
            var ba = Array<double>(b);
            var ya = Array<double>(y);
            var l = layout;
            CpuParallel.For(y.Length, 8, (start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    int oa = i, ob = i;
                    if (l is { } s) s.Offsets(i, out oa, out ob);
                    ya[y.Offset + i] = f.Apply(aa[a.Offset + oa], ba[b.Offset + ob]);
                }
            });
        }
    }

    public void StridedCopy(BufferSlice source, BufferSlice destination, StridedPair layout, int count)
    {
        switch (source.Buffer)
        {
            case CpuBuffer<float>: StridedCopy<float>(source, destination, layout, count); break;
            case CpuBuffer<double>: StridedCopy<double>(source, destination, layout, count); break;
            case CpuBuffer<int>: StridedCopy<int>(source, destination, layout, count); break;
        }
    }

    // Row by row along the innermost dimension of the coalesced walk (StridedPair.Coalesced): the offsets are computed
    // once per row (by two multiplies when the walk has two dimensions), and a row whose elements are adjacent on both
    // sides (clones, concatenation, most slices) is one block copy. A single row (a flat copy) is split into chunks across cores.
    private static void StridedCopy<T>(BufferSlice source, BufferSlice destination, StridedPair layout, int count) where T : unmanaged
    {
        var s = Array<T>(source);
        var d = Array<T>(destination);
        layout = layout.Coalesced();
        int inner = layout.Size5;
        if (inner <= 0 || count % inner != 0)
        {
            CpuParallel.For(count, 4, (start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    layout.Offsets(i, out int from, out int to);
                    d[destination.Offset + to] = s[source.Offset + from];
                }
            });
            return;
        }
        bool adjacent = layout.StrideA5 == 1 && layout.StrideB5 == 1;
        if (count == inner)
        {
            layout.Offsets(0, out int from0, out int to0);
            CpuParallel.For(count, 1, (start, end) => CopyRun(s, source.Offset + from0 + start * layout.StrideA5, d, destination.Offset + to0 + start * layout.StrideB5, end - start, layout.StrideA5, layout.StrideB5, adjacent));
            return;
        }
        CpuParallel.For(count / inner, inner, (start, end) =>
        {
            bool twoDimensions = layout.Size0 == 1 && layout.Size1 == 1 && layout.Size2 == 1 && layout.Size3 == 1;
            for (int row = start; row < end; row++)
            {
                int from, to;
                if (twoDimensions) (from, to) = (row * layout.StrideA4, row * layout.StrideB4);
                else layout.Offsets(row * inner, out from, out to);
                CopyRun(s, source.Offset + from, d, destination.Offset + to, inner, layout.StrideA5, layout.StrideB5, adjacent);
            }
        });
    }

    private static void CopyRun<T>(T[] source, int from, T[] destination, int to, int length, int strideFrom, int strideTo, bool adjacent) where T : unmanaged
    {
        if (adjacent)
        {
            source.AsSpan(from, length).CopyTo(destination.AsSpan(to, length));
            return;
        }
        if (strideFrom == 0 && strideTo == 1)
        {
            destination.AsSpan(to, length).Fill(source[from]);
            return;
        }
        for (int i = 0; i < length; i++) destination[to + i * strideTo] = source[from + i * strideFrom];
    }
}
