using System.Numerics;
using NativeContrast.Kernels;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Backends;

/// <summary>The contrastive family on the managed CPU backend.</summary>
internal sealed partial class CpuBackend
{
    // Scaled rows (a normalizing loss) are multiplied out into pooled arrays for the length of one call: the packed
    // passes below read plain rows. So on cpu y = x/‖x‖ exists only during a forward or backward call, not between.
    public void ContrastiveForward(BufferRows a, BufferRows b, BufferSide rows, BufferSide? columns, ContrastiveShape shape, double invTau) =>
        WithScaledRows(a, b, shape, (x, y) => ContrastiveForward(x, y, rows, columns, shape, invTau));

    public void ContrastiveBackward(BufferRows a, BufferRows b, BufferSide? rows, BufferSide? columns, BufferSlice gradA, BufferSlice? gradB,
        ContrastiveShape shape, double invTau) =>
        WithScaledRows(a, b, shape, (x, y) => ContrastiveBackward(x, y, rows, columns, gradA, gradB, shape, invTau));

    /// <summary>Runs <paramref name="body"/> on both sets' rows with their scales applied (one copy when they are the same set).</summary>
    private void WithScaledRows(BufferRows a, BufferRows b, ContrastiveShape shape, Action<BufferSlice, BufferSlice> body)
    {
        var temporaries = new List<DeviceBuffer>(2);
        try
        {
            var rowsA = Materialize(a, shape.RowsA, shape.Dim, temporaries);
            body(rowsA, b.Values == a.Values && b.Scale == a.Scale && b.Scaled == a.Scaled ? rowsA : Materialize(b, shape.RowsB, shape.Dim, temporaries));
        }
        finally
        {
            foreach (var buffer in temporaries) Free(buffer);
        }
    }

    /// <summary>Runs <paramref name="body"/> on the rows with their scale applied (a pooled copy for the length of the call), or on the rows themselves when unscaled.</summary>
    private void WithScaledRows(BufferRows rows, int count, int d, Action<BufferSlice> body)
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

    private BufferSlice Materialize(BufferRows rows, int count, int d, List<DeviceBuffer> temporaries)
    {
        if (rows.Scaled == 0) return rows.Values;
        var scale = rows.Scale;
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

    /// <summary>
    /// Whether float32 takes the tiled SIMD path: AVX2 and D ≤ 512, and neither labels with positives out of the denominator
    /// nor thresholds (those stream through <see cref="CpuContrastive"/>, on SGEMM tiles too).
    /// </summary>
    private static bool Tiled(ContrastiveShape shape) =>
        CpuTiledContrastive.Supports(shape.Dim) && !(shape.ByLabel != 0 && shape.ExcludePositives != 0) && shape.HasThreshold == 0;

    private void ContrastiveForward(BufferSlice a, BufferSlice b, BufferSide rows, BufferSide? columns, ContrastiveShape shape, double invTau)
    {
        bool oneSet = shape.ExcludeDiagonal != 0;
        if (a.Buffer is CpuBuffer<float> && Tiled(shape))
        {
            var rowSide = Host<float>(rows, shape.RowsA, backward: false);
            SoftmaxSide<int[], float[]>? columnSide = oneSet || columns is null ? null : Host<float>(columns.Value, shape.RowsB, backward: false);
            CpuTiledContrastive.Forward(Array<float>(a), a.Offset, Array<float>(b), b.Offset, shape.RowsA, shape.RowsB, shape.Dim, oneSet, shape.ByLabel != 0,
                rowSide, columnSide, invTau, shape.ExcludePositives != 0);
            WriteBack(rowSide, rows);
            if (columnSide is { } hostColumns) WriteBack(hostColumns, columns!.Value);
            return;
        }
        // float64 (gradient checks) or D > 512: one streaming pass per direction.
        var candidateKeys = oneSet || columns is null ? rows.Keys : columns.Value.Keys;
        RowStats(a, b, rows.Keys, candidateKeys, rows, shape, invTau);
        if (!oneSet && columns is { } c) RowStats(b, a, c.Keys, rows.Keys, c, shape with { RowsA = shape.RowsB, RowsB = shape.RowsA }, invTau);
    }

    private static void RowStats(BufferSlice anchors, BufferSlice candidates, BufferSlice keyA, BufferSlice keyB, BufferSide side, ContrastiveShape shape, double invTau)
    {
        var ka = Span<int>(keyA).ToArray();
        var kb = Span<int>(keyB).ToArray();
        if (anchors.Buffer is CpuBuffer<float>)
            CpuContrastive.RowStats(Array<float>(anchors), anchors.Offset, Array<float>(candidates), candidates.Offset, ka, kb, Span<float>(side.PositiveWeight).ToArray(),
                Array<float>(side.Lse), side.Lse.Offset, Array<float>(side.PositiveLogit), side.PositiveLogit.Offset, Thresholds<float>(side, shape), shape, invTau);
        else
            CpuContrastive.RowStats(Array<double>(anchors), anchors.Offset, Array<double>(candidates), candidates.Offset, ka, kb, Span<double>(side.PositiveWeight).ToArray(),
                Array<double>(side.Lse), side.Lse.Offset, Array<double>(side.PositiveLogit), side.PositiveLogit.Offset, Thresholds<double>(side, shape), shape, invTau);
    }

    // HCL's two scales: on the tiled path one pass over the tiles computes both (one GEMM per tile); elsewhere (float64,
    // D > 512) two streaming passes, the backward's second into a pooled buffer added to the first.
    public void ContrastiveForwardTwoScales(BufferRows z, BufferSide first, double firstInvTau, BufferSide second, double secondInvTau, ContrastiveShape shape) =>
        WithScaledRows(z, z, shape, (x, _) =>
        {
            if (x.Buffer is CpuBuffer<float> && Tiled(shape) && shape.ByLabel == 0)
            {
                var firstSide = Host<float>(first, shape.RowsA, backward: false);
                var secondSide = Host<float>(second, shape.RowsA, backward: false);
                CpuTiledContrastive.Forward(Array<float>(x), x.Offset, Array<float>(x), x.Offset, shape.RowsA, shape.RowsB, shape.Dim, oneSet: true, byLabel: false,
                    firstSide, null, firstInvTau, shape.ExcludePositives != 0, secondSide, secondInvTau);
                WriteBack(firstSide, first);
                WriteBack(secondSide, second);
                return;
            }
            ContrastiveForward(x, x, first, null, shape, firstInvTau);
            ContrastiveForward(x, x, second, null, shape, secondInvTau);
        });

    public void ContrastiveBackwardTwoScales(BufferRows z, BufferSide first, double firstInvTau, BufferSide second, double secondInvTau, BufferSlice gradZ,
        ContrastiveShape shape) =>
        WithScaledRows(z, z, shape, (x, _) =>
        {
            if (x.Buffer is CpuBuffer<float> && Tiled(shape) && shape.ByLabel == 0)
            {
                CpuTiledContrastive.Backward(Array<float>(x), x.Offset, Array<float>(x), x.Offset, shape.RowsA, shape.RowsB, shape.Dim, oneSet: true, byLabel: false,
                    Host<float>(first, shape.RowsA, backward: true), null, Array<float>(gradZ), gradZ.Offset, null, 0, firstInvTau, shape.ExcludePositives != 0,
                    Host<float>(second, shape.RowsA, backward: true), secondInvTau);
                return;
            }
            ContrastiveBackward(x, x, first, first, gradZ, null, shape, firstInvTau);
            var buffer = Allocate(gradZ.Buffer.DType, gradZ.Length);
            try
            {
                var part = new BufferSlice(buffer, 0, gradZ.Length);
                ContrastiveBackward(x, x, second, second, part, null, shape, secondInvTau);
                Binary(new AddFunction(), gradZ, part, gradZ, null);
            }
            finally
            {
                Free(buffer);
            }
        });

    /// <summary>A host copy of the side's thresholds when the shape reads them, else null.</summary>
    private static T[]? Thresholds<T>(BufferSide side, ContrastiveShape shape) where T : unmanaged =>
        shape.HasThreshold != 0 ? Span<T>(side.Threshold).ToArray() : null;

    public void ContrastiveTopNegatives(BufferRows z, BufferSlice positives, BufferSlice threshold, BufferSlice dropped, int n, int d, double invTau, int topK) =>
        WithScaledRows(z, n, d, rows =>
        {
            var p = Span<int>(positives).ToArray();
            if (rows.Buffer is CpuBuffer<float>)
                CpuContrastive.TopNegatives(Array<float>(rows), rows.Offset, n, d, p, invTau, topK, Array<float>(threshold), threshold.Offset, Array<int>(dropped), dropped.Offset);
            else
                CpuContrastive.TopNegatives(Array<double>(rows), rows.Offset, n, d, p, invTau, topK, Array<double>(threshold), threshold.Offset, Array<int>(dropped), dropped.Offset);
        });

    private void ContrastiveBackward(BufferSlice a, BufferSlice b, BufferSide? rows, BufferSide? columns, BufferSlice gradA, BufferSlice? gradB,
        ContrastiveShape shape, double invTau)
    {
        bool oneSet = shape.ExcludeDiagonal != 0;
        if (oneSet) columns = rows;
        if (a.Buffer is CpuBuffer<float> && Tiled(shape))
        {
            CpuTiledContrastive.Backward(Array<float>(a), a.Offset, Array<float>(b), b.Offset, shape.RowsA, shape.RowsB, shape.Dim, oneSet, shape.ByLabel != 0,
                rows is null ? null : Host<float>(rows.Value, shape.RowsA, backward: true),
                oneSet || columns is null ? null : Host<float>(columns.Value, shape.RowsB, backward: true),
                Array<float>(gradA), gradA.Offset, oneSet || gradB is null ? null : Array<float>(gradB.Value), gradB?.Offset ?? 0, invTau, shape.ExcludePositives != 0);
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

    private static void Gradient<T>(BufferSlice anchors, BufferSlice candidates, BufferSide? rowTerm, BufferSide? columnTerm, BufferSlice gradA,
        ContrastiveShape shape, double invTau) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var any = rowTerm ?? columnTerm!.Value;
        shape.HasRowTerm = rowTerm is null ? 0 : 1;
        shape.HasColumnTerm = columnTerm is null ? 0 : 1;
        CpuContrastive.Gradient(Array<T>(anchors), anchors.Offset, Array<T>(candidates), candidates.Offset,
            Span<int>((rowTerm ?? any).Keys).ToArray(), Span<int>((columnTerm ?? any).Keys).ToArray(),
            rowTerm is { } r ? Host<T>(r, shape.RowsA, backward: true) : null, columnTerm is { } c ? Host<T>(c, shape.RowsB, backward: true) : null, Array<T>(gradA), gradA.Offset, shape, invTau);
    }

    /// <summary>
    /// The CPU passes' view of a side: host copies of its arrays (O(N)); a forward's outputs start empty and go back
    /// through <see cref="WriteBack{T}"/>, a backward reads the LSE and coefficients.
    /// </summary>
    private static SoftmaxSide<int[], T[]> Host<T>(BufferSide side, int rows, bool backward) where T : unmanaged => new(
        Span<int>(side.Keys).ToArray(), Span<T>(side.PositiveWeight).ToArray(),
        backward ? Span<T>(side.Lse).ToArray() : new T[rows], new T[backward ? 0 : rows],
        backward ? Span<T>(side.Coefficient).ToArray() : [],
        side.Threshold.Buffer is null ? null : Span<T>(side.Threshold).ToArray());

    private static void WriteBack<T>(SoftmaxSide<int[], T[]> host, BufferSide side) where T : unmanaged
    {
        host.Lse.CopyTo(Span<T>(side.Lse));
        host.PositiveLogit.CopyTo(Span<T>(side.PositiveLogit));
    }

    public void PairDistances(BufferRows x, BufferSlice first, BufferSlice second, BufferSlice distance, BufferSlice stats, int pairs, int d, int metric) =>
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

    public void PairDistancesBackward(BufferRows x, BufferSlice first, BufferSlice second, BufferSlice g, BufferSlice distance, BufferSlice stats, BufferSlice dx,
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

    public void TripletMine(BufferRows rows, BufferSlice labels, BufferSlice positive, BufferSlice negative, int n, int d, int distance, bool semiHard) =>
        WithScaledRows(rows, n, d, z =>
        {
            var y = Span<int>(labels).ToArray();
            if (z.Buffer is CpuBuffer<float>)
                CpuTripletMining.Mine(Array<float>(z), z.Offset, y, Array<int>(positive), positive.Offset, Array<int>(negative), negative.Offset, n, d, distance, semiHard);
            else
                CpuTripletMining.Mine(Array<double>(z), z.Offset, y, Array<int>(positive), positive.Offset, Array<int>(negative), negative.Offset, n, d, distance, semiHard);
        });
}
