using ILGPU;
using ILGPU.Algorithms;

namespace NativeContrast.Kernels;

/// <summary>
/// Distances of listed row pairs of x [rows, D] (the triplet loss's anchor–positive and anchor–negative pairs)
/// without gathering the rows, each row read times its scale (<see cref="ScaledRows{TValues}"/>: 1/‖x‖ when the loss
/// normalizes; the backward then gives the gradient with respect to those scaled rows): d_p = dist(x_i, x_j) for i = first[p], j = second[p], with the metric of
/// <see cref="TripletDistance"/>. stats[3p…3p+2] keep what the backward needs: Euclidean and squared
/// s = ‖x_i − x_j‖²; cosine c = x_i·x_j, ‖x_i‖², ‖x_j‖².
/// Variants: Forward (one thread per pair), Backward (one thread per pair and dimension, atomic adds because
/// a row can be in many pairs).
/// </summary>
public static class PairDistanceKernels
{
    /// <summary>The Euclidean root is taken of max(s, this), so identical rows give a zero gradient, not NaN.</summary>
    public const float MinSquaredDistance = 1e-12f;

    /// <summary>One thread per pair p: the distance between rows first[p] and second[p] of <paramref name="x"/>, and the per-pair statistics the backward needs.</summary>
    public static void Forward(Index1D p, ViewRows x, ArrayView<int> first, ArrayView<int> second, ArrayView<float> distance, ArrayView<float> stats,
        int d, int metric)
    {
        int i = first[p], j = second[p];
        float a = 0f, b = 0f, c = 0f;
        for (int k = 0; k < d; k++)
        {
            float u = x.Load(i, k, d), v = x.Load(j, k, d);
            if (metric == TripletDistance.Cosine)
            {
                a += u * v;
                b += u * u;
                c += v * v;
            }
            else
            {
                a += (u - v) * (u - v);
            }
        }
        stats[3 * p] = a;
        stats[3 * p + 1] = b;
        stats[3 * p + 2] = c;
        distance[p] = metric == TripletDistance.Cosine ? 1f - a / MathF.Sqrt(b * c)
            : metric == TripletDistance.Squared ? a
            : MathF.Sqrt(MathF.Max(a, MinSquaredDistance));
    }

    /// <summary>
    /// dx (accumulated) += g_p ∂d_p/∂x for thread t = p·D + k. With u = x_i, v = x_j:
    /// Euclidean ∂d/∂u = (u − v)/d (0 where s ≤ 1e-12: the clamp), squared 2(u − v), cosine
    /// −(v − c u/‖u‖²)/(‖u‖‖v‖); ∂d/∂v is the same with u and v swapped.
    /// </summary>
    public static void Backward(Index1D t, ViewRows x, ArrayView<int> first, ArrayView<int> second, ArrayView<float> g, ArrayView<float> distance,
        ArrayView<float> stats, ArrayView<float> dx, int d, int metric)
    {
        int p = t / d, k = t % d;
        int rowI = first[p], rowJ = second[p], i = rowI * d + k, j = rowJ * d + k;
        float u = x.Load(rowI, k, d), v = x.Load(rowJ, k, d), gp = g[p];
        if (metric == TripletDistance.Cosine)
        {
            float c = stats[3 * p], uu = stats[3 * p + 1], vv = stats[3 * p + 2], r = 1f / MathF.Sqrt(uu * vv);
            Atomic.Add(ref dx[i], -gp * r * (v - c * u / uu));
            Atomic.Add(ref dx[j], -gp * r * (u - c * v / vv));
            return;
        }
        float factor = metric == TripletDistance.Squared ? 2f * gp
            : stats[3 * p] > MinSquaredDistance ? gp / distance[p] : 0f;
        Atomic.Add(ref dx[i], factor * (u - v));
        Atomic.Add(ref dx[j], factor * (v - u));
    }
}
