using NativeContrast.Autograd;

namespace NativeContrast.Ops;

/// <summary>
/// Distances of listed row pairs of x [rows, D]: d_p = dist(x_first[p], x_second[p]) → [pairs], for the triplet
/// loss's anchor–positive and anchor–negative pairs, on x's rows or (normalize) on y = x/‖x‖ (<see cref="KernelRows"/>).
/// Fused: the rows are never gathered or normalized into copies, so memory is O(pairs + rows) where gathering
/// the three rows of each triplet, subtracting and squaring held several copies of them.
/// Metrics as <see cref="Kernels.TripletDistance"/>: Euclidean √max(‖u − v‖², 1e-12) (identical rows get a
/// zero gradient, not NaN), squared ‖u − v‖², cosine 1 − u·v/(‖u‖‖v‖).
/// </summary>
internal sealed class PairDistanceOp : AutogradNode
{
    private readonly KernelRows rows;
    private readonly Tensor first, second, distance, stats;
    private readonly int metric;

    private PairDistanceOp(KernelRows rows, Tensor first, Tensor second, Tensor distance, Tensor stats, int metric) : base(rows.Input)
    {
        this.rows = rows;
        this.first = first;
        this.second = second;
        this.distance = distance;
        this.stats = stats;
        this.metric = metric;
    }

    public static Tensor Forward(KernelRows rows, int[] first, int[] second, int metric)
    {
        var x = rows.Input;
        Tensor.CheckFloating("PairDistances", x);
        if (x.Rank != 2) throw new ArgumentException($"PairDistances needs [rows, D]; got {Shapes.Format(x.ShapeArray)}.", nameof(x));
        if (first.Length != second.Length) throw new ArgumentException($"PairDistances: {first.Length} first rows but {second.Length} second rows.", nameof(second));
        int count = x.ShapeArray[0], d = x.ShapeArray[1], pairs = first.Length;
        foreach (var i in first.Concat(second))
            if (i < 0 || i >= count) throw new ArgumentOutOfRangeException(nameof(first), i, $"PairDistances: row {i} is outside [0, {count}).");
        var firstRows = Tensor.FromArray(first, [pairs], x.Device);
        var secondRows = Tensor.FromArray(second, [pairs], x.Device);
        var distance = Tensor.Empty([pairs], x.Device, x.DType);
        var stats = Tensor.Empty([pairs, 3], x.Device, x.DType);
        if (pairs > 0) x.Backend.PairDistances(rows.View, firstRows.Data, secondRows.Data, distance.Data, stats.Data, pairs, d, metric);
        return Record(distance, () => new PairDistanceOp(rows, firstRows, secondRows, distance, stats, metric), x);
    }

    // dx_i += g_p ∂d_p/∂u and dx_j += g_p ∂d_p/∂v for each pair p = (i, j), u = x_i, v = x_j:
    //   Euclidean ∂d/∂u = (u − v)/d (0 where ‖u − v‖² ≤ 1e-12), squared 2(u − v),
    //   cosine ∂d/∂u = −(v − (u·v) u/‖u‖²)/(‖u‖‖v‖); ∂d/∂v is the same with u and v swapped.
    // With normalize, u and v are rows of y = x/‖x‖: that is ∂L/∂y, turned into ∂L/∂x in place.
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var dx = Tensor.Zeros(x.ShapeArray, x.Device, x.DType);
        if (distance.Count > 0)
            x.Backend.PairDistancesBackward(rows.View, first.Data, second.Data, g.Data, distance.Data, stats.Data, dx.Data, distance.Count, x.ShapeArray[1], metric);
        rows.ToInputGradient(dx);
        return [dx];
    }
}
