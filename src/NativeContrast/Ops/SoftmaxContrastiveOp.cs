using NativeContrast.Autograd;
using NativeContrast.Backends;
using NativeContrast.Kernels;

namespace NativeContrast.Ops;

/// <summary>
/// The fused softmax-contrastive loss behind NT-Xent, SupCon, InfoNCE (MoCo) and CLIP. Never builds
/// the N×M similarity matrix: the forward keeps O(N) statistics per direction, the backward recomputes
/// tiles.
/// For a direction with anchors A, candidates B, S_ab = a·b/τ (τ fixed, or τ = 1/exp θ with θ learned):
///   LSE_a = ln Σ_{b ∈ C(a)} exp S_ab   (C(a) = all of B, or B \ {a} for one set),
///   L = Σ_a λ_a (LSE_a − w_a Σ_{p ∈ P(a)} S_ap),   λ = loss weight, w = 1/|P(a)|.
/// One set (NT-Xent, SupCon): A = B = Z. Two sets (InfoNCE, CLIP): queries → keys, and for CLIP also
/// keys → queries.
/// </summary>
internal sealed class SoftmaxContrastiveOp : AutogradNode
{
    private readonly bool oneSet;
    private readonly SoftmaxDirection forward;
    private readonly SoftmaxDirection? reverse;
    private readonly (Tensor Lse, Tensor PositiveLogit) forwardStats;
    private readonly (Tensor Lse, Tensor PositiveLogit)? reverseStats;
    private readonly double invTau;
    private readonly bool temperatureClamped;

    private SoftmaxContrastiveOp(Tensor[] inputs, bool oneSet, SoftmaxDirection forward, SoftmaxDirection? reverse,
        (Tensor, Tensor) forwardStats, (Tensor, Tensor)? reverseStats, double invTau, bool temperatureClamped) : base(inputs)
    {
        this.oneSet = oneSet;
        this.forward = forward;
        this.reverse = reverse;
        this.forwardStats = forwardStats;
        this.reverseStats = reverseStats;
        this.invTau = invTau;
        this.temperatureClamped = temperatureClamped;
    }

    /// <summary>NT-Xent and SupCon: anchors and candidates are the rows of <paramref name="z"/>, self excluded.</summary>
    public static Tensor OneSet(Tensor z, SoftmaxDirection direction, ContrastiveTemperature temperature)
    {
        var stats = RowStats(z, z, direction, direction, excludeDiagonal: true, temperature.InverseTemperature);
        var loss = WeightedSum(stats, direction);
        Tensor[] inputs = temperature.LogScale is { } logScale ? [z, logScale] : [z];
        return Record(loss, () => new SoftmaxContrastiveOp(inputs, true, direction, null, stats, null, temperature.InverseTemperature, temperature.Clamped), inputs);
    }

    /// <summary>InfoNCE (and, with <paramref name="reverse"/>, CLIP): queries against keys, and keys against queries.</summary>
    public static Tensor TwoSets(Tensor queries, Tensor keys, SoftmaxDirection forward, SoftmaxDirection? reverse, ContrastiveTemperature temperature)
    {
        var stats = RowStats(queries, keys, forward, reverse ?? forward, excludeDiagonal: false, temperature.InverseTemperature);
        var loss = WeightedSum(stats, forward);
        (Tensor, Tensor)? reverseStats = null;
        if (reverse is not null)
        {
            var r = RowStats(keys, queries, reverse, forward, excludeDiagonal: false, temperature.InverseTemperature);
            reverseStats = r;
            using var noGrad = GradMode.NoGrad();
            var both = loss + WeightedSum(r, reverse);
            loss.Dispose();
            loss = both;
        }
        Tensor[] inputs = temperature.LogScale is { } logScale ? [queries, keys, logScale] : [queries, keys];
        return Record(loss, () => new SoftmaxContrastiveOp(inputs, false, forward, reverse, stats, reverseStats, temperature.InverseTemperature, temperature.Clamped), inputs);
    }

    private static (Tensor Lse, Tensor PositiveLogit) RowStats(Tensor anchors, Tensor candidates, SoftmaxDirection direction, SoftmaxDirection candidateKeys, bool excludeDiagonal, double invTau)
    {
        int rowsA = anchors.ShapeArray[0];
        var lse = Tensor.Empty([rowsA], anchors.Device, anchors.DType);
        var positiveLogit = Tensor.Empty([rowsA], anchors.Device, anchors.DType);
        anchors.Backend.ContrastiveRowStats(anchors.Data, candidates.Data, direction.Keys.Data, candidateKeys.Keys.Data, direction.PositiveWeight.Data,
            lse.Data, positiveLogit.Data, Shape(anchors, candidates, direction.ByLabel, excludeDiagonal, false, false), invTau);
        return (lse, positiveLogit);
    }

    /// <summary>Σ_a λ_a (LSE_a − positive logit_a), a scalar.</summary>
    private static Tensor WeightedSum((Tensor Lse, Tensor PositiveLogit) stats, SoftmaxDirection direction)
    {
        using var noGrad = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        return scope.Keep(((stats.Lse - stats.PositiveLogit) * direction.LossWeight).Sum());
    }

    private static ContrastiveShape Shape(Tensor anchors, Tensor candidates, bool byLabel, bool excludeDiagonal, bool rowTerm, bool columnTerm) => new()
    {
        RowsA = anchors.ShapeArray[0],
        RowsB = candidates.ShapeArray[0],
        Dim = anchors.ShapeArray[1],
        ExcludeDiagonal = excludeDiagonal ? 1 : 0,
        ByLabel = byLabel ? 1 : 0,
        HasRowTerm = rowTerm ? 1 : 0,
        HasColumnTerm = columnTerm ? 1 : 0,
    };

    // With P_ab = exp(S_ab − LSE_a) over a's candidates and g the upstream gradient,
    //   ∂L/∂S_ab = g λ_a (P_ab − w_a [b ∈ P(a)])  =: G_ab   (and the same for the reverse direction),
    //   dA_a = (1/τ) Σ_b G_ab b_b,  dB_b = (1/τ) Σ_a G_ab a_a.
    // One set: S is symmetric and both a and b are rows of Z, so dZ_i = (1/τ) Σ_j (G_ij + G_ji) z_j: one
    // pass with a row term (i anchors) and a column term (j anchors). Two sets: dQ by a pass over the
    // query rows (forward term as row term, CLIP's reverse term as column term) and dK by a pass over
    // the key rows (the other way round).
    // Learned θ = ln(1/τ): S_ab = e^θ a·b, so ∂L/∂θ = Σ_ab G_ab S_ab = Σ_i q_i·dQ_i (two sets) or
    // ½ Σ_i z_i·dZ_i (one set: each pair appears in both dZ_i and dZ_j); 0 while 1/τ sits at its clamp.
    public override Tensor?[] Backward(Tensor g)
    {
        var grads = new Tensor?[Inputs.Length];
        var logScale = Inputs.Length == (oneSet ? 2 : 3) ? Inputs[^1] : null;
        bool needTemperature = logScale is { RequiresGrad: true };
        using var coefficients = TensorScope.Begin();
        var forwardTerm = Term(forwardStats, forward, g);
        if (oneSet)
        {
            var z = Inputs[0];
            var dz = coefficients.Keep(Gradient(z, z, forward, forward, forwardTerm, forwardTerm, excludeDiagonal: true));
            if (needTemperature) grads[1] = coefficients.Keep(TemperatureGradient(z, dz, 0.5, logScale!));
            grads[0] = dz;
            return grads;
        }
        var (queries, keys) = (Inputs[0], Inputs[1]);
        ContrastiveTerm? reverseTerm = reverse is null ? null : Term(reverseStats!.Value, reverse, g);
        if (queries.RequiresGrad || needTemperature)
        {
            var dq = coefficients.Keep(Gradient(queries, keys, forward, reverse ?? forward, forwardTerm, reverseTerm, excludeDiagonal: false));
            if (needTemperature) grads[2] = coefficients.Keep(TemperatureGradient(queries, dq, 1.0, logScale!));
            grads[0] = dq;
        }
        if (keys.RequiresGrad)
            grads[1] = coefficients.Keep(Gradient(keys, queries, reverse ?? forward, forward, reverseTerm, forwardTerm, excludeDiagonal: false));
        return grads;
    }

    /// <summary>The backward term of one direction: its LSE, λ·g and w (the coefficient lives in the caller's scope).</summary>
    private static ContrastiveTerm Term((Tensor Lse, Tensor PositiveLogit) stats, SoftmaxDirection direction, Tensor g) =>
        new(stats.Lse.Data, (direction.LossWeight * g).Data, direction.PositiveWeight.Data);

    /// <summary>dA for anchors A against candidates B: the row term's anchors are A's rows, the column term's B's.</summary>
    private Tensor Gradient(Tensor anchors, Tensor candidates, SoftmaxDirection rowDirection, SoftmaxDirection columnDirection,
        ContrastiveTerm? rowTerm, ContrastiveTerm? columnTerm, bool excludeDiagonal)
    {
        var grad = Tensor.Empty(anchors.ShapeArray, anchors.Device, anchors.DType);
        var shape = Shape(anchors, candidates, rowDirection.ByLabel, excludeDiagonal, rowTerm is not null, columnTerm is not null);
        anchors.Backend.ContrastiveGradient(anchors.Data, candidates.Data, rowDirection.Keys.Data, columnDirection.Keys.Data,
            rowTerm ?? columnTerm!.Value, columnTerm ?? rowTerm!.Value, grad.Data, shape, invTau);
        return grad;
    }

    private Tensor TemperatureGradient(Tensor x, Tensor dx, double factor, Tensor logScale)
    {
        if (temperatureClamped) return Tensor.Zeros(logScale.ShapeArray, logScale.Device, logScale.DType);
        return ((x * dx).Sum() * factor).Reshape(logScale.ShapeArray);
    }
}
