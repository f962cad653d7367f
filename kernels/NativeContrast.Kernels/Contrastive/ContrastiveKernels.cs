using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// Fused softmax-contrastive losses on ILGPU (NT-Xent, InfoNCE/MoCo, CLIP, SupCon) and triplet
/// mining. Shape legend: A = anchors [RowsA, D], B = candidates [RowsB, D] (each as <see cref="ScaledRows{TValues}"/>:
/// the rows times a per-row factor, 1/‖x‖ for normalizing losses, applied on load), τ = temperature
/// (invTau = 1/τ), S_ab = a·b/τ, key = positive index or label (see <see cref="ContrastiveShape"/>),
/// w = 1/|P(a)| (the weight of each positive of anchor a).
/// Variants:
///   1. *Naive: one thread per anchor row streaming every candidate with an online log-sum-exp; no
///      shared memory, no N×N buffer. The reference GPU path the others are checked against.
///   2. *Tiled (ContrastiveKernels.Tiled.cs): a 16×16 thread group owns 64 anchors and streams the
///      candidates 64 at a time; A and B are staged in shared memory 16 dimensions at a time
///      (coalesced loads, transposed, padded against bank conflicts) and each thread computes a 4×4
///      register micro-tile of similarities (anchors ty·4 + i, candidates tx + 16j). The forward keeps
///      an online log-sum-exp per row and thread and merges the 16 threads of a row by warp shuffles;
///      the backward turns its micro-tile into weights W in shared memory and multiplies them by a
///      128-dimension slice of the candidates (4×8 accumulators per thread; more dimensions take more
///      groups along Y, each recomputing the similarities). No atomics, no N×N buffer. Triplet mining
///      (ContrastiveKernels.TripletTiled.cs) streams the same Gram blocks through a running arg-max /
///      arg-min per anchor.
///   3. *TensorCore (ContrastiveKernels.TensorCore.cs): variant 2's structure with the products on TF32
///      tensor cores (Tf32Mma: inline PTX mma.sync m16n8k8), 4 warps × 16 anchors per group.
///   4. *TiledVector (ContrastiveKernels.TiledVector.cs): variant 2 with 16-byte shared-memory loads. A thread
///      owns candidates 4tx + j (not tx + 16j), tiles are 68 floats a row, and W is stored candidate-major, so
///      each set of four operands is one ld.shared.v4.f32: per dimension 2 loads for 16 FMAs in the similarity
///      product (variant 2: 8), per candidate 3 for 32 in the gradient product (variant 2: 12). Variant 2 is
///      bound by shared-memory loads (one warp-wide scalar load per clock per SM against four FMAs); this one
///      by the FMAs. It also stages rows as stored and applies their factors to the products (as variant 3 does),
///      one dimension per thread from clamped indices. Which is faster on a given GPU is for the benchmark to say.
/// </summary>
public static partial class ContrastiveKernels
{
    /// <summary>
    /// lse[a] = ln Σ_b exp S_ab over candidates (b ≠ a for one set; b ∉ P(a) when the shape excludes positives; not the
    /// negatives above a's threshold when the shape has thresholds);
    /// positiveLogit[a] = w_a Σ_{b∈P(a)} S_ab.
    /// </summary>
    public static void RowStatsNaive(Index1D a, ViewRows anchors, ViewRows candidates, ViewSide anchorSide, ArrayView<int> keyB, ContrastiveShape shape)
    {
        float max = float.NegativeInfinity, sum = 0f, positive = 0f;
        for (int b = 0; b < shape.RowsB; b++)
        {
            if (shape.ExcludeDiagonal != 0 && b == a) continue;
            float s = Dot(anchors, a, candidates, b, shape.Dim) * shape.InvTau;
            if (IsPositive(anchorSide.Keys, a, keyB, b, shape.ByLabel))
            {
                positive += s;
                if (shape.ExcludePositives != 0) continue;
            }
            else if (AboveThreshold(anchorSide, a, s, shape)) continue;
            if (s > max)
            {
                sum = sum * MathF.Exp(max - s) + 1f;
                max = s;
            }
            else
            {
                sum += MathF.Exp(s - max);
            }
        }
        anchorSide.Lse[a] = max + MathF.Log(sum);
        anchorSide.PositiveLogit[a] = positive * anchorSide.PositiveWeight[a];
    }

    /// <summary>
    /// dA_a = (1/τ) Σ_b W_ab b_b with
    /// W_ab = cA_a (exp(S_ab − lseA_a) − wA_a [b ∈ P(a)]) + cB_b (exp(S_ab − lseB_b) − wB_b [a ∈ P(b)]),
    /// W_aa = 0 for one set. c = per-anchor loss coefficient (upstream gradient included). A term's exp(S − lse) is absent
    /// for a pair its anchor left out of its log-sum-exp (an excluded positive, or a negative above the anchor's threshold).
    /// </summary>
    public static void GradientNaive(Index1D a, ViewRows anchors, ViewRows candidates, ViewSide anchorSide, ViewSide candidateSide, ArrayView<float> gradA, ContrastiveShape shape)
    {
        int d = shape.Dim, row = a * d;
        for (int k = 0; k < d; k++) gradA[row + k] = 0f;
        for (int b = 0; b < shape.RowsB; b++)
        {
            if (shape.ExcludeDiagonal != 0 && b == a) continue;
            float s = Dot(anchors, a, candidates, b, d) * shape.InvTau;
            float w = 0f;
            if (shape.HasRowTerm != 0)
            {
                bool positive = IsPositive(anchorSide.Keys, a, candidateSide.Keys, b, shape.ByLabel);
                if (positive ? shape.ExcludePositives == 0 : !AboveThreshold(anchorSide, a, s, shape)) w += anchorSide.Coefficient[a] * MathF.Exp(s - anchorSide.Lse[a]);
                if (positive) w -= anchorSide.Coefficient[a] * anchorSide.PositiveWeight[a];
            }
            if (shape.HasColumnTerm != 0)
            {
                bool positive = IsPositive(candidateSide.Keys, b, anchorSide.Keys, a, shape.ByLabel);
                if (positive ? shape.ExcludePositives == 0 : !AboveThreshold(candidateSide, b, s, shape)) w += candidateSide.Coefficient[b] * MathF.Exp(s - candidateSide.Lse[b]);
                if (positive) w -= candidateSide.Coefficient[b] * candidateSide.PositiveWeight[b];
            }
            if (w == 0f) continue;
            for (int k = 0; k < d; k++) gradA[row + k] += w * candidates.Load(b, k, d);
        }
        for (int k = 0; k < d; k++) gradA[row + k] *= shape.InvTau;
    }

    /// <summary>
    /// Triplet mining for anchor a over all rows of z (labels y, dist = distance kind, see
    /// <see cref="TripletDistance"/>): positive[a] = the farthest row with a's label; negative[a] = the
    /// closest row with another label (semiHard = 0), or the closest one farther than that positive,
    /// else the farthest negative (semiHard = 1). −1 where none exists. Ties go to the lower index.
    /// </summary>
    public static void TripletMineNaive(Index1D a, ViewRows z, ArrayView<int> labels, ArrayView<int> positive, ArrayView<int> negative,
        int n, int d, int distance, int semiHard)
    {
        int bestPositive = -1, bestNegative = -1, farthestNegative = -1;
        float dp = float.NegativeInfinity, dn = float.PositiveInfinity, dFar = float.NegativeInfinity;
        float na = Dot(z, a, z, a, d);
        for (int b = 0; b < n; b++)
        {
            if (b == a || labels[b] != labels[a]) continue;
            float dist = TripletDistance.FromGram(Dot(z, a, z, b, d), na, Dot(z, b, z, b, d), distance);
            if (dist > dp) { dp = dist; bestPositive = b; }
        }
        for (int b = 0; b < n; b++)
        {
            if (labels[b] == labels[a]) continue;
            float dist = TripletDistance.FromGram(Dot(z, a, z, b, d), na, Dot(z, b, z, b, d), distance);
            if (dist > dFar) { dFar = dist; farthestNegative = b; }
            bool eligible = semiHard == 0 || dist > dp;
            if (eligible && dist < dn) { dn = dist; bestNegative = b; }
        }
        if (semiHard != 0 && bestNegative < 0) bestNegative = farthestNegative;
        positive[a] = bestPositive;
        negative[a] = bestPositive < 0 ? -1 : bestNegative;
    }

    /// <summary>Whether logit s of a negative of row r lies above r's threshold (never when the shape has none).</summary>
    private static bool AboveThreshold(ViewSide side, int r, float s, ContrastiveShape shape) => shape.HasThreshold != 0 && s > side.Threshold[r];

    /// <summary>Whether candidate c is a positive of anchor a. In index mode the candidates' keys are not read (they may be absent).</summary>
    private static bool IsPositive(ArrayView<int> anchorKeys, int a, ArrayView<int> candidateKeys, int c, int byLabel) =>
        byLabel != 0 ? anchorKeys[a] == candidateKeys[c] : anchorKeys[a] == c;

    /// <summary>Row a of x dotted with row b of y, each scaled.</summary>
    private static float Dot(ViewRows x, int a, ViewRows y, int b, int d) => Dot(x.Values, a, y.Values, b, d) * x.RowScale(a) * y.RowScale(b);

    private static float Dot(ArrayView<float> x, int a, ArrayView<float> y, int b, int d)
    {
        float s = 0f;
        for (int k = 0; k < d; k++) s += x[a * d + k] * y[b * d + k];
        return s;
    }
}
