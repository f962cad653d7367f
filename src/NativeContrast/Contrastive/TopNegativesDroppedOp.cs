using NativeContrast.Autograd;
using NativeContrast.Backends;
using NativeContrast.Losses;

namespace NativeContrast.Ops;

/// <summary>
/// NT-Xent drop-top, fused: one set of N rows with positive p(i) and per-row thresholds t_i (the top-K pass's), S = a·b/τ.
/// Per anchor, LSE_i = ln Σ_{k ∉ {i, p(i)}, S_ik ≤ t_i} exp S_ik (the negatives it keeps) and S_ip, both from one fused
/// forward (the positive out of the log-sum-exp, its logit summed beside it); D_i = ln(e^S_ip + e^LSE_i),
/// L = (1/N) Σ_i (D_i − S_ip). Memory O(N): the two per-row statistics, never a row of S or a gathered copy of the rows.
/// The thresholds are constants of the graph (no gradient through which negatives were dropped).
/// </summary>
internal sealed class TopNegativesDroppedOp : AutogradNode
{
    private readonly KernelRows rows;
    private readonly SoftmaxDirection direction;
    private readonly Tensor lse;
    private readonly double[] keptShare;
    private readonly double invTau;
    private readonly bool temperatureClamped;

    private TopNegativesDroppedOp(Tensor[] inputs, KernelRows rows, SoftmaxDirection direction, Tensor lse, double[] keptShare, double invTau, bool temperatureClamped)
        : base(inputs)
    {
        this.rows = rows;
        this.direction = direction;
        this.lse = lse;
        this.keptShare = keptShare;
        this.invTau = invTau;
        this.temperatureClamped = temperatureClamped;
    }

    public override string Name => "NtXentDropTop";

    /// <param name="rows">The set's rows as the kernels read them.</param>
    /// <param name="positives">p(i) per row.</param>
    /// <param name="threshold">Per row, the logit above which a negative is dropped (the caller's scope keeps it).</param>
    /// <param name="temperature">τ, fixed or learned.</param>
    public static Tensor Forward(KernelRows rows, int[] positives, Tensor threshold, ContrastiveTemperature temperature)
    {
        var z = rows.Input;
        int n = positives.Length;
        var direction = SoftmaxDirections.OnePositive(positives, 1.0 / n, z, excludePositives: true) with { Threshold = threshold };
        // The LSE stays (the caller's scope, like the graph's other intermediates) for the backward; O(N).
        var lse = Tensor.Empty([n], z.Device, z.DType);
        double[] lseValues, positiveLogit;
        using (var positiveTensor = Tensor.Empty([n], z.Device, z.DType))
        {
            var side = new BufferSide(direction.Keys.Data, direction.PositiveWeight.Data, lse.Data, positiveTensor.Data, default, threshold.Data);
            z.Backend.ContrastiveForward(rows.View, rows.View, side, null, SoftmaxContrastiveOp.Shape(z, z, direction, oneSet: true), temperature.InverseTemperature);
            lseValues = lse.ToDoubleArray();
            positiveLogit = positiveTensor.ToDoubleArray();
        }
        // 1 − p_i = e^(LSE_i − D_i): the share of the denominator the kept negatives hold.
        var keptShare = new double[n];
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double max = Math.Max(positiveLogit[i], lseValues[i]);
            double denominator = max + Math.Log(Math.Exp(positiveLogit[i] - max) + Math.Exp(lseValues[i] - max));
            keptShare[i] = Math.Exp(lseValues[i] - denominator);
            loss += denominator - positiveLogit[i];
        }
        var result = Tensor.Scalar(loss / n, z.Device, z.DType);
        Tensor[] inputs = temperature.LogScale is { } logScale ? [z, logScale] : [z];
        return Record(result, () => new TopNegativesDroppedOp(inputs, rows, direction, lse, keptShare, temperature.InverseTemperature, temperature.Clamped), inputs);
    }

    // With g the upstream gradient and q_i = 1 − p_i = e^(LSE_i − D_i):
    //   ∂L/∂S_ip = (g/N)(p_i − 1) = −(g/N) q_i,   ∂L/∂S_ik = (g/N) q_i softmax_k over the kept negatives of i,
    // which is the fused backward's row term with coefficient c_i = g q_i / N, positive weight w_i = 1 and the LSE of the
    // forward: c_i (exp(S_ik − LSE_i)[k kept] − w_i [k = p(i)]) (one set: the same rows' column term mirrors it).
    // Learned θ = ln(1/τ): every S scales with e^θ, so ∂L/∂θ = ½ Σ_i y_i·dY_i, as for NT-Xent.
    public override Tensor?[] Backward(Tensor g)
    {
        var z = rows.Input;
        int n = keptShare.Length;
        double scale = g.ToDoubleArray()[0] / n;
        using var scope = TensorScope.Begin();
        var coefficients = SoftmaxDirections.Values(keptShare.Select(q => q * scale).ToArray(), z);
        var shape = SoftmaxContrastiveOp.Shape(z, z, direction, oneSet: true);
        var side = new BufferSide(direction.Keys.Data, direction.PositiveWeight.Data, lse.Data, default, coefficients.Data, direction.Threshold!.Data);
        var dz = scope.Keep(Tensor.Empty(z.ShapeArray, z.Device, z.DType));
        z.Backend.ContrastiveBackward(rows.View, rows.View, side, side, dz.Data, null, shape, invTau);
        return rows.OneSetGradients(dz, Inputs, temperatureClamped, scope);
    }
}
