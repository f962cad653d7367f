using NativeContrast.Autograd;
using NativeContrast.Backends;
using NativeContrast.Kernels;

namespace NativeContrast.Ops;

/// <summary>
/// The fused softmax-contrastive loss behind NT-Xent, SupCon, InfoNCE (MoCo) and CLIP. Never builds
/// the N×M similarity matrix: the forward keeps O(N) statistics per direction, the backward recomputes
/// tiles.
/// For a direction with anchors A, candidates B, S_ab = a·b/τ (τ fixed, or τ = 1/exp θ with θ learned):
///   LSE_a = ln Σ_{b ∈ C(a)} exp S_ab   (C(a) = all of B, or B \ {a} for one set; without P(a) when the
///   direction excludes positives: DCL),
///   L = Σ_a λ_a (LSE_a − w_a Σ_{p ∈ P(a)} S_ap),   λ = loss weight, w = 1/|P(a)|.
/// One set (NT-Xent, SupCon): A = B = Z. Two sets (InfoNCE, CLIP): queries → keys, and for CLIP also
/// keys → queries (the reverse direction).
/// With normalize, A and B are the L2-normalized rows of the inputs and the normalization is part of
/// this op: the backward turns ∂L/∂A into ∂L/∂x in place (see <see cref="KernelRows"/>).
/// </summary>
internal sealed class SoftmaxContrastiveOp : AutogradNode
{
    private readonly bool oneSet;
    private readonly SoftmaxDirection forward;
    private readonly SoftmaxDirection? reverse;
    private readonly KernelRows first;
    private readonly KernelRows? second;
    private readonly Statistics forwardStats;
    private readonly Statistics? reverseStats;
    private readonly double invTau;
    private readonly bool temperatureClamped;

    private SoftmaxContrastiveOp(Tensor[] inputs, KernelRows first, KernelRows? second, SoftmaxDirection forward, SoftmaxDirection? reverse,
        Statistics forwardStats, Statistics? reverseStats, double invTau, bool temperatureClamped) : base(inputs)
    {
        oneSet = second is null;
        this.first = first;
        this.second = second;
        this.forward = forward;
        this.reverse = reverse;
        this.forwardStats = forwardStats;
        this.reverseStats = reverseStats;
        this.invTau = invTau;
        this.temperatureClamped = temperatureClamped;
    }

    /// <summary>What the forward saves per direction: LSE and mean positive logit per anchor.</summary>
    private sealed record Statistics(Tensor Lse, Tensor PositiveLogit)
    {
        public static Statistics For(Tensor anchors) => new(
            Tensor.Empty([anchors.ShapeArray[0]], anchors.Device, anchors.DType),
            Tensor.Empty([anchors.ShapeArray[0]], anchors.Device, anchors.DType));

        public BufferSide Side(SoftmaxDirection direction, Tensor? coefficient) =>
            new(direction.Keys.Data, direction.PositiveWeight.Data, Lse.Data, PositiveLogit.Data, coefficient?.Data ?? default);
    }

    /// <summary>NT-Xent and SupCon: anchors and candidates are the rows (normalized when they carry norms), self excluded.</summary>
    public static Tensor OneSet(KernelRows rows, SoftmaxDirection direction, ContrastiveTemperature temperature)
    {
        var z = rows.Input;
        var stats = Statistics.For(z);
        z.Backend.ContrastiveForward(rows.View, rows.View, stats.Side(direction, null), null, Shape(z, z, direction, oneSet: true), temperature.InverseTemperature);
        var loss = WeightedSum(stats, direction);
        Tensor[] inputs = temperature.LogScale is { } logScale ? [z, logScale] : [z];
        return Record(loss, () => new SoftmaxContrastiveOp(inputs, rows, null, direction, null, stats, null, temperature.InverseTemperature, temperature.Clamped), inputs);
    }

    /// <summary>InfoNCE (and, with <paramref name="reverse"/>, CLIP): queries against keys, and keys against queries (rows normalized when they carry norms).</summary>
    public static Tensor TwoSets(KernelRows q, KernelRows k, SoftmaxDirection forward, SoftmaxDirection? reverse, ContrastiveTemperature temperature)
    {
        var (queries, keys) = (q.Input, k.Input);
        var stats = Statistics.For(queries);
        var reverseStats = reverse is null ? null : Statistics.For(keys);
        queries.Backend.ContrastiveForward(q.View, k.View, stats.Side(forward, null), reverseStats?.Side(reverse!, null),
            Shape(queries, keys, forward, oneSet: false), temperature.InverseTemperature);
        var loss = WeightedSum(stats, forward);
        if (reverse is not null)
        {
            using var noGrad = GradMode.NoGrad();
            using var reverseLoss = WeightedSum(reverseStats!, reverse);
            var both = loss + reverseLoss;
            loss.Dispose();
            loss = both;
        }
        Tensor[] inputs = temperature.LogScale is { } logScale ? [queries, keys, logScale] : [queries, keys];
        return Record(loss, () => new SoftmaxContrastiveOp(inputs, q, k, forward, reverse, stats, reverseStats, temperature.InverseTemperature, temperature.Clamped), inputs);
    }

    /// <summary>Σ_a λ_a (LSE_a − positive logit_a), a scalar.</summary>
    private static Tensor WeightedSum(Statistics stats, SoftmaxDirection direction)
    {
        using var noGrad = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        return scope.Keep(((stats.Lse - stats.PositiveLogit) * direction.LossWeight).Sum());
    }

    internal static ContrastiveShape Shape(Tensor a, Tensor b, SoftmaxDirection direction, bool oneSet) => new()
    {
        RowsA = a.ShapeArray[0],
        RowsB = b.ShapeArray[0],
        Dim = a.ShapeArray[1],
        ExcludeDiagonal = oneSet ? 1 : 0,
        ByLabel = direction.ByLabel ? 1 : 0,
        ExcludePositives = direction.ExcludePositives ? 1 : 0,
        HasThreshold = direction.Threshold is null ? 0 : 1,
    };

    // With P_ab = exp(S_ab − LSE_a) over a's candidates and g the upstream gradient,
    //   ∂L/∂S_ab = g λ_a (P_ab − w_a [b ∈ P(a)])  =: G_ab   (and the same for the reverse direction),
    //   dA_a = (1/τ) Σ_b G_ab b_b,  dB_b = (1/τ) Σ_a G_ab a_a.
    // One set: S is symmetric and both a and b are rows of Z, so dZ_i = (1/τ) Σ_j (G_ij + G_ji) z_j,
    // with a row term (i anchors) and a column term (j anchors). Two sets: G_ab sums the forward term
    // (query anchors) and CLIP's reverse term (key anchors); dQ and dK come from the same tiles.
    // Learned θ = ln(1/τ): S_ab = e^θ a·b, so ∂L/∂θ = Σ_ab G_ab S_ab = Σ_i q_i·dQ_i (two sets) or
    // ½ Σ_i z_i·dZ_i (one set: each pair appears in both dZ_i and dZ_j); 0 while 1/τ sits at its clamp.
    // With normalize, z, q, k above are the normalized rows y = x/‖x‖: θ's gradient is taken from y·dY before
    // dY becomes dX in place (x·dX = y·dY − ‖y‖²(y·dY) = 0, so it could not be taken after).
    public override Tensor?[] Backward(Tensor g)
    {
        var grads = new Tensor?[Inputs.Length];
        var logScale = Inputs.Length == (oneSet ? 2 : 3) ? Inputs[^1] : null;
        bool needTemperature = logScale is { RequiresGrad: true };
        using var coefficients = TensorScope.Begin();
        var rows = forwardStats.Side(forward, forward.LossWeight * g);
        if (oneSet)
        {
            var z = first.Input;
            var dz = coefficients.Keep(Tensor.Empty(z.ShapeArray, z.Device, z.DType));
            z.Backend.ContrastiveBackward(first.View, first.View, rows, rows, dz.Data, null, Shape(z, z, forward, oneSet: true), invTau);
            if (needTemperature) grads[1] = coefficients.Keep(TemperatureGradient(first, dz, 0.5, logScale!));
            first.ToInputGradient(dz);
            grads[0] = dz;
            return grads;
        }
        var (queries, keys) = (first.Input, second!.Input);
        BufferSide? columns = reverse is null ? null : reverseStats!.Side(reverse, reverse.LossWeight * g);
        // dQ is always computed: it also gives θ's gradient.
        var dq = coefficients.Keep(Tensor.Empty(queries.ShapeArray, queries.Device, queries.DType));
        var dk = keys.RequiresGrad ? coefficients.Keep(Tensor.Empty(keys.ShapeArray, keys.Device, keys.DType)) : null;
        queries.Backend.ContrastiveBackward(first.View, second.View, rows, columns, dq.Data, dk?.Data, Shape(queries, keys, forward, oneSet: false), invTau);
        if (needTemperature) grads[2] = coefficients.Keep(TemperatureGradient(first, dq, 1.0, logScale!));
        first.ToInputGradient(dq);
        if (dk is not null) second.ToInputGradient(dk);
        grads[0] = dq;
        grads[1] = dk;
        return grads;
    }

    private Tensor TemperatureGradient(KernelRows x, Tensor dx, double factor, Tensor logScale)
    {
        if (temperatureClamped) return Tensor.Zeros(logScale.ShapeArray, logScale.Device, logScale.DType);
        return (x.DotWithRows(dx) * factor).Reshape(logScale.ShapeArray);
    }
}
