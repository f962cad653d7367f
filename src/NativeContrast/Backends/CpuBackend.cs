using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NativeContrast.Kernels;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Backends;

/// <summary>
/// The managed CPU backend: float32 and float64 (and int32 indices) on managed arrays, Vector256
/// loops for the elementwise float32 paths, the packed AVX2/FMA SGEMM for float32 matmul, and
/// Parallel.For across cores. Mirrors the ILGPU kernels in <c>NativeContrast.Kernels</c>; parity tests
/// keep the two equal.
/// </summary>
internal sealed partial class CpuBackend : IBackend
{
    private readonly CpuArrayPool pool = new();

    /// <summary>The pool behind this backend's buffers (tests clear it before measuring allocations).</summary>
    internal CpuArrayPool Pool => pool;

    public DeviceBuffer Allocate(DType dtype, int length) => dtype switch
    {
        DType.Float32 => new CpuBuffer<float>(dtype, length, pool.Rent<float>(length)),
        DType.Float64 => new CpuBuffer<double>(dtype, length, pool.Rent<double>(length)),
        DType.Int32 => new CpuBuffer<int>(dtype, length, pool.Rent<int>(length)),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    // Small arrays go back to the GC; large ones to the pool for the next step.
    public void Free(DeviceBuffer buffer)
    {
        switch (buffer)
        {
            case CpuBuffer<float> f: pool.Return(f.Data); break;
            case CpuBuffer<double> d: pool.Return(d.Data); break;
            case CpuBuffer<int> i: pool.Return(i.Data); break;
        }
    }

    public void Synchronize()
    {
    }

    internal static Span<T> Span<T>(BufferSlice s) where T : unmanaged =>
        ((CpuBuffer<T>)s.Buffer).Data.AsSpan(s.Offset, s.Length);

    private static T[] Array<T>(BufferSlice s) where T : unmanaged => ((CpuBuffer<T>)s.Buffer).Data;

    public void Upload<T>(ReadOnlySpan<T> source, BufferSlice destination) where T : unmanaged =>
        source.CopyTo(Span<T>(destination));

    public void Download<T>(BufferSlice source, Span<T> destination) where T : unmanaged =>
        Span<T>(source).CopyTo(destination);

    public void Fill(BufferSlice y, double value)
    {
        switch (y.Buffer)
        {
            case CpuBuffer<float>: Span<float>(y).Fill((float)value); break;
            case CpuBuffer<double>: Span<double>(y).Fill(value); break;
            case CpuBuffer<int>: Span<int>(y).Fill((int)value); break;
        }
    }

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

    // Row by row along the innermost dimension: the offsets are computed once per row, and a row whose
    // elements are adjacent on both sides (clones, concatenation, most slices) is one block copy. A single
    // row (a flat copy) is split into chunks across cores.
    private static void StridedCopy<T>(BufferSlice source, BufferSlice destination, StridedPair layout, int count) where T : unmanaged
    {
        var s = Array<T>(source);
        var d = Array<T>(destination);
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
            for (int row = start; row < end; row++)
            {
                layout.Offsets(row * inner, out int from, out int to);
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
        for (int i = 0; i < length; i++) destination[to + i * strideTo] = source[from + i * strideFrom];
    }

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

    public void Gemm(BufferSlice a, BufferSlice b, BufferSlice c, GemmShape shape, int batch)
    {
        if (a.Buffer is CpuBuffer<float>)
            PackedSgemm.Batched(Array<float>(a), a.Offset, Array<float>(b), b.Offset, Array<float>(c), c.Offset, shape, batch);
        else
            ReferenceGemm.Batched(Array<double>(a), a.Offset, Array<double>(b), b.Offset, Array<double>(c), c.Offset, shape, batch);
    }

    // Scaled rows (a normalizing loss) are multiplied out into pooled arrays for the length of one call: the packed
    // passes below read plain rows. So on cpu y = x/‖x‖ exists only during a forward or backward call, not between.
    public void ContrastiveForward(ContrastiveRows a, ContrastiveRows b, ContrastiveSide rows, ContrastiveSide? columns, ContrastiveShape shape, double invTau) =>
        WithScaledRows(a, b, shape, (x, y) => ContrastiveForward(x, y, rows, columns, shape, invTau));

    public void ContrastiveBackward(ContrastiveRows a, ContrastiveRows b, ContrastiveSide? rows, ContrastiveSide? columns, BufferSlice gradA, BufferSlice? gradB,
        ContrastiveShape shape, double invTau) =>
        WithScaledRows(a, b, shape, (x, y) => ContrastiveBackward(x, y, rows, columns, gradA, gradB, shape, invTau));

    /// <summary>Runs <paramref name="body"/> on both sets' rows with their scales applied (one copy when they are the same set).</summary>
    private void WithScaledRows(ContrastiveRows a, ContrastiveRows b, ContrastiveShape shape, Action<BufferSlice, BufferSlice> body)
    {
        var temporaries = new List<DeviceBuffer>(2);
        try
        {
            var rowsA = Materialize(a, shape.RowsA, shape.Dim, temporaries);
            body(rowsA, b == a ? rowsA : Materialize(b, shape.RowsB, shape.Dim, temporaries));
        }
        finally
        {
            foreach (var buffer in temporaries) Free(buffer);
        }
    }

    /// <summary>Runs <paramref name="body"/> on the rows with their scale applied (a pooled copy for the length of the call), or on the rows themselves when unscaled.</summary>
    private void WithScaledRows(ContrastiveRows rows, int count, int d, Action<BufferSlice> body)
    {
        var temporaries = new List<DeviceBuffer>(1);
        try
        {
            body(Materialize(rows, count, d, temporaries));
        }
        finally
        {
            foreach (var buffer in temporaries) Free(buffer);
        }
    }

    private BufferSlice Materialize(ContrastiveRows rows, int count, int d, List<DeviceBuffer> temporaries)
    {
        if (rows.Scale is not { } scale) return rows.Values;
        var buffer = Allocate(rows.Values.Buffer.DType, count * d);
        temporaries.Add(buffer);
        var scaled = new BufferSlice(buffer, 0, count * d);
        if (buffer is CpuBuffer<float>) ScaleRows<float>(rows.Values, scale, scaled, count, d);
        else ScaleRows<double>(rows.Values, scale, scaled, count, d);
        return scaled;
    }

    private static void ScaleRows<T>(BufferSlice x, BufferSlice scale, BufferSlice y, int rows, int d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var sa = Array<T>(scale);
        var ya = Array<T>(y);
        CpuParallel.For(rows, d, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                T s = sa[scale.Offset + r];
                for (int j = 0; j < d; j++) ya[y.Offset + r * d + j] = xa[x.Offset + r * d + j] * s;
            }
        });
    }

    private void ContrastiveForward(BufferSlice a, BufferSlice b, ContrastiveSide rows, ContrastiveSide? columns, ContrastiveShape shape, double invTau)
    {
        bool oneSet = shape.ExcludeDiagonal != 0;
        if (a.Buffer is CpuBuffer<float> && CpuTiledContrastive.Supports(shape.Dim))
        {
            var rowSide = TiledSide(rows, shape.RowsA, withCoefficient: false);
            var columnSide = oneSet || columns is null ? null : TiledSide(columns.Value, shape.RowsB, withCoefficient: false);
            CpuTiledContrastive.Forward(Array<float>(a), a.Offset, Array<float>(b), b.Offset, shape.RowsA, shape.RowsB, shape.Dim, oneSet, shape.ByLabel != 0,
                rowSide, columnSide, invTau);
            WriteBack(rowSide, rows);
            if (columnSide is not null) WriteBack(columnSide, columns!.Value);
            return;
        }
        // float64 (gradient checks) or D > 512: one streaming pass per direction.
        var candidateKeys = oneSet || columns is null ? rows.Keys : columns.Value.Keys;
        RowStats(a, b, rows.Keys, candidateKeys, rows, shape, invTau);
        if (!oneSet && columns is { } c) RowStats(b, a, c.Keys, rows.Keys, c, shape with { RowsA = shape.RowsB, RowsB = shape.RowsA }, invTau);
    }

    private static void RowStats(BufferSlice anchors, BufferSlice candidates, BufferSlice keyA, BufferSlice keyB, ContrastiveSide side, ContrastiveShape shape, double invTau)
    {
        var ka = Span<int>(keyA).ToArray();
        var kb = Span<int>(keyB).ToArray();
        if (anchors.Buffer is CpuBuffer<float>)
            CpuContrastive.RowStats(Array<float>(anchors), anchors.Offset, Array<float>(candidates), candidates.Offset, ka, kb, Span<float>(side.PositiveWeight).ToArray(),
                Array<float>(side.Lse), side.Lse.Offset, Array<float>(side.PositiveLogit), side.PositiveLogit.Offset, shape, invTau);
        else
            CpuContrastive.RowStats(Array<double>(anchors), anchors.Offset, Array<double>(candidates), candidates.Offset, ka, kb, Span<double>(side.PositiveWeight).ToArray(),
                Array<double>(side.Lse), side.Lse.Offset, Array<double>(side.PositiveLogit), side.PositiveLogit.Offset, shape, invTau);
    }

    private void ContrastiveBackward(BufferSlice a, BufferSlice b, ContrastiveSide? rows, ContrastiveSide? columns, BufferSlice gradA, BufferSlice? gradB,
        ContrastiveShape shape, double invTau)
    {
        bool oneSet = shape.ExcludeDiagonal != 0;
        if (oneSet) columns = rows;
        if (a.Buffer is CpuBuffer<float> && CpuTiledContrastive.Supports(shape.Dim))
        {
            CpuTiledContrastive.Backward(Array<float>(a), a.Offset, Array<float>(b), b.Offset, shape.RowsA, shape.RowsB, shape.Dim, oneSet, shape.ByLabel != 0,
                rows is null ? null : TiledSide(rows.Value, shape.RowsA, withCoefficient: true),
                oneSet || columns is null ? null : TiledSide(columns.Value, shape.RowsB, withCoefficient: true),
                Array<float>(gradA), gradA.Offset, oneSet || gradB is null ? null : Array<float>(gradB.Value), gradB?.Offset ?? 0, invTau);
            return;
        }
        var swapped = shape with { RowsA = shape.RowsB, RowsB = shape.RowsA };
        if (a.Buffer is CpuBuffer<float>)
        {
            Gradient<float>(a, b, rows, columns, gradA, shape, invTau);
            if (!oneSet && gradB is { } db) Gradient<float>(b, a, columns, rows, db, swapped, invTau);
        }
        else
        {
            Gradient<double>(a, b, rows, columns, gradA, shape, invTau);
            if (!oneSet && gradB is { } db) Gradient<double>(b, a, columns, rows, db, swapped, invTau);
        }
    }

    private static void Gradient<T>(BufferSlice anchors, BufferSlice candidates, ContrastiveSide? rowTerm, ContrastiveSide? columnTerm, BufferSlice gradA,
        ContrastiveShape shape, double invTau) where T : unmanaged, IFloatingPointIeee754<T>
    {
        static (T[], T[], T[]) Copy(ContrastiveSide t) => (Span<T>(t.Lse).ToArray(), Span<T>(t.Coefficient).ToArray(), Span<T>(t.PositiveWeight).ToArray());
        var any = rowTerm ?? columnTerm!.Value;
        shape.HasRowTerm = rowTerm is null ? 0 : 1;
        shape.HasColumnTerm = columnTerm is null ? 0 : 1;
        CpuContrastive.Gradient(Array<T>(anchors), anchors.Offset, Array<T>(candidates), candidates.Offset,
            Span<int>((rowTerm ?? any).Keys).ToArray(), Span<int>((columnTerm ?? any).Keys).ToArray(),
            rowTerm is { } r ? Copy(r) : null, columnTerm is { } c ? Copy(c) : null, Array<T>(gradA), gradA.Offset, shape, invTau);
    }

    /// <summary>Host copies of one side's arrays for the tiled path (its outputs are copied back by <see cref="WriteBack"/>).</summary>
    private static CpuTiledContrastive.Side TiledSide(ContrastiveSide side, int rows, bool withCoefficient) => new(
        Span<int>(side.Keys).ToArray(), Span<float>(side.PositiveWeight).ToArray(),
        withCoefficient ? Span<float>(side.Lse).ToArray() : new float[rows], new float[rows],
        withCoefficient ? Span<float>(side.Coefficient).ToArray() : null);

    private static void WriteBack(CpuTiledContrastive.Side host, ContrastiveSide side)
    {
        host.Lse.CopyTo(Span<float>(side.Lse));
        host.PositiveLogit.CopyTo(Span<float>(side.PositiveLogit));
    }

    public void PairDistances(ContrastiveRows x, BufferSlice first, BufferSlice second, BufferSlice distance, BufferSlice stats, int pairs, int d, int metric) =>
        WithScaledRows(x, x.Values.Length / d, d, rows =>
        {
            if (rows.Buffer is CpuBuffer<float>) PairDistances<float>(rows, first, second, distance, stats, pairs, d, metric);
            else PairDistances<double>(rows, first, second, distance, stats, pairs, d, metric);
        });

    // The math of PairDistanceKernels.Forward, pairs across cores.
    private static void PairDistances<T>(BufferSlice x, BufferSlice first, BufferSlice second, BufferSlice distance, BufferSlice stats, int pairs, int d, int metric)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var fa = Array<int>(first);
        var sa = Array<int>(second);
        var da = Array<T>(distance);
        var st = Array<T>(stats);
        var min = T.CreateChecked(1e-12);
        CpuParallel.For(pairs, 3L * d, (start, end) =>
        {
            for (int p = start; p < end; p++)
            {
                var u = new ReadOnlySpan<T>(xa, x.Offset + fa[first.Offset + p] * d, d);
                var v = new ReadOnlySpan<T>(xa, x.Offset + sa[second.Offset + p] * d, d);
                T a = T.Zero, b = T.Zero, c = T.Zero;
                if (metric == TripletDistance.Cosine)
                {
                    a = Dot<T>(u, v);
                    b = Dot<T>(u, u);
                    c = Dot<T>(v, v);
                }
                else
                {
                    for (int k = 0; k < d; k++) a += (u[k] - v[k]) * (u[k] - v[k]);
                }
                int s = stats.Offset + 3 * p;
                (st[s], st[s + 1], st[s + 2]) = (a, b, c);
                da[distance.Offset + p] = metric == TripletDistance.Cosine ? T.One - a / T.Sqrt(b * c)
                    : metric == TripletDistance.Squared ? a
                    : T.Sqrt(T.Max(a, min));
            }
        });
    }

    public void PairDistancesBackward(ContrastiveRows x, BufferSlice first, BufferSlice second, BufferSlice g, BufferSlice distance, BufferSlice stats, BufferSlice dx,
        int pairs, int d, int metric) =>
        WithScaledRows(x, x.Values.Length / d, d, rows =>
        {
            if (rows.Buffer is CpuBuffer<float>) PairDistancesBackward<float>(rows, first, second, g, distance, stats, dx, pairs, d, metric);
            else PairDistancesBackward<double>(rows, first, second, g, distance, stats, dx, pairs, d, metric);
        });

    // The math of PairDistanceKernels.Backward. A row can be in many pairs, so the cores split the dimensions, not the pairs.
    private static void PairDistancesBackward<T>(BufferSlice x, BufferSlice first, BufferSlice second, BufferSlice g, BufferSlice distance, BufferSlice stats,
        BufferSlice dx, int pairs, int d, int metric) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Array<T>(x);
        var fa = Array<int>(first);
        var sa = Array<int>(second);
        var ga = Array<T>(g);
        var da = Array<T>(distance);
        var st = Array<T>(stats);
        var dxa = Array<T>(dx);
        var min = T.CreateChecked(1e-12);
        var two = T.CreateChecked(2);
        CpuParallel.For(d, 4L * pairs, (k0, k1) =>
        {
            for (int p = 0; p < pairs; p++)
            {
                int i = fa[first.Offset + p] * d, j = sa[second.Offset + p] * d, s = stats.Offset + 3 * p;
                T gp = ga[g.Offset + p];
                if (metric == TripletDistance.Cosine)
                {
                    T c = st[s], uu = st[s + 1], vv = st[s + 2], r = T.One / T.Sqrt(uu * vv);
                    for (int k = k0; k < k1; k++)
                    {
                        T u = xa[x.Offset + i + k], v = xa[x.Offset + j + k];
                        dxa[dx.Offset + i + k] -= gp * r * (v - c * u / uu);
                        dxa[dx.Offset + j + k] -= gp * r * (u - c * v / vv);
                    }
                    continue;
                }
                T factor = metric == TripletDistance.Squared ? two * gp : st[s] > min ? gp / da[distance.Offset + p] : T.Zero;
                for (int k = k0; k < k1; k++)
                {
                    T diff = factor * (xa[x.Offset + i + k] - xa[x.Offset + j + k]);
                    dxa[dx.Offset + i + k] += diff;
                    dxa[dx.Offset + j + k] -= diff;
                }
            }
        });
    }

    public void TripletMine(ContrastiveRows rows, BufferSlice labels, BufferSlice positive, BufferSlice negative, int n, int d, int distance, bool semiHard) =>
        WithScaledRows(rows, n, d, z =>
        {
            var y = Span<int>(labels).ToArray();
            if (z.Buffer is CpuBuffer<float>)
                CpuTripletMining.Mine(Array<float>(z), z.Offset, y, Array<int>(positive), positive.Offset, Array<int>(negative), negative.Offset, n, d, distance, semiHard);
            else
                CpuTripletMining.Mine(Array<double>(z), z.Offset, y, Array<int>(positive), positive.Offset, Array<int>(negative), negative.Offset, n, d, distance, semiHard);
        });
}
