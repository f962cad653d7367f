using NativeContrast.Autograd;
using NativeContrast.Backends;

namespace NativeContrast.Ops;

/// <summary>
/// A fused, differentiable per-row log-sum-exp over one set's candidates: LSE_i = ln Σ_{k ∈ C(i)} exp S_ik → [N], S = a·b/τ,
/// C(i) = every row but i, without i's positives when the direction excludes them (by label: the rows with i's key), and
/// without the negatives above i's threshold when the direction has thresholds (drop-top; the selection is held fixed: no
/// gradient flows through it).
/// The building block of losses written from per-row terms (the false-negative "drop" mode). O(N) memory: the forward
/// streams tiles, the backward recomputes them.
/// </summary>
internal sealed class RowLogSumExpOp : AutogradNode
{
    private readonly KernelRows rows;
    private readonly SoftmaxDirection direction;
    private readonly Tensor lse;
    private readonly double invTau;
    private readonly bool temperatureClamped;

    private RowLogSumExpOp(Tensor[] inputs, KernelRows rows, SoftmaxDirection direction, Tensor lse, double invTau, bool temperatureClamped) : base(inputs)
    {
        this.rows = rows;
        this.direction = direction;
        this.lse = lse;
        this.invTau = invTau;
        this.temperatureClamped = temperatureClamped;
    }

    /// <param name="rows">The set's rows as the kernels read them.</param>
    /// <param name="direction">Keys (and whether by label and whether positives leave the sum); its weights are not read.</param>
    /// <param name="temperature">τ, fixed or learned.</param>
    public static Tensor Forward(KernelRows rows, SoftmaxDirection direction, ContrastiveTemperature temperature)
    {
        var z = rows.Input;
        int n = z.ShapeArray[0];
        var lse = Tensor.Empty([n], z.Device, z.DType);
        using var positiveLogit = Tensor.Empty([n], z.Device, z.DType);
        var side = new BufferSide(direction.Keys.Data, direction.PositiveWeight.Data, lse.Data, positiveLogit.Data, default, direction.Threshold?.Data ?? default);
        z.Backend.ContrastiveForward(rows.View, rows.View, side, null, SoftmaxContrastiveOp.Shape(z, z, direction, oneSet: true), temperature.InverseTemperature);
        Tensor[] inputs = temperature.LogScale is { } logScale ? [z, logScale] : [z];
        return Record(lse, () => new RowLogSumExpOp(inputs, rows, direction, lse, temperature.InverseTemperature, temperature.Clamped), inputs);
    }

    // ∂LSE_i/∂S_ik = P_ik = exp(S_ik − LSE_i) for k ∈ C(i), so with upstream g_i: G_ik = g_i P_ik, and for one set
    // dZ_i = (1/τ) Σ_k (G_ik + G_ki) z_k: the fused backward with coefficient g_i and no positive term (w = 0).
    // Learned θ = ln(1/τ): ∂/∂θ = Σ_ik G_ik S_ik = ½ Σ_i y_i·dY_i (each pair appears in dY_i and dY_k).
    public override Tensor?[] Backward(Tensor g)
    {
        var z = rows.Input;
        using var scope = TensorScope.Begin();
        var noPositiveTerm = Tensor.Zeros([z.ShapeArray[0]], z.Device, z.DType);
        var side = new BufferSide(direction.Keys.Data, noPositiveTerm.Data, lse.Data, default, g.Data, direction.Threshold?.Data ?? default);
        var dz = scope.Keep(Tensor.Empty(z.ShapeArray, z.Device, z.DType));
        z.Backend.ContrastiveBackward(rows.View, rows.View, side, side, dz.Data, null, SoftmaxContrastiveOp.Shape(z, z, direction, oneSet: true), invTau);
        return rows.OneSetGradients(dz, Inputs, temperatureClamped, scope);
    }
}
