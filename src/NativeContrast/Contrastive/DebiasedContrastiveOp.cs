using NativeContrast.Autograd;
using NativeContrast.Backends;
using NativeContrast.Losses;

namespace NativeContrast.Ops;

/// <summary>
/// The fused debiased (Chuang et al. 2020) and hard-negative (HCL, Robinson et al. 2021) contrastive losses over one set of
/// N rows with one positive p(i) each. Per anchor i, with S = a·b/τ, M = N − 2 negatives (k ∉ {i, p(i)}), pos_i = exp S_ip:
///   β = 0 (debiased): R_i = Σ_neg exp S_ik,                         ln R_i = LSE_i(S)
///   β &gt; 0 (HCL):    R_i = Σ_neg imp_ik exp S_ik / ((1/M) Σ_neg imp_ik), imp = exp βS,
///                     ln R_i = ln M + LSE_i((1+β)S) − LSE_i(βS)
///   Ng_i = max((R_i − τ⁺ M pos_i)/(1 − τ⁺), M e^(−1/τ)),  L_i = ln(pos_i + Ng_i) − S_ip,  L = (1/N) Σ_i L_i.
/// The log-sum-exps over the negatives are the fused passes with positives out of the denominator (O(N) memory; for HCL
/// at the two scales 1/τ·(1+β) and 1/τ·β, from one pass over the tiles on cpu, <see cref="Backends.IBackend.ContrastiveForwardTwoScales"/>). The O(N) rest runs in float64 in log space on the host:
/// R_i − τ⁺M pos_i is formed against the larger of the two logs, so nothing overflows at τ = 0.05, β = 2.
/// </summary>
internal sealed class DebiasedContrastiveOp : AutogradNode
{
    private readonly KernelRows rows;
    private readonly SoftmaxDirection direction;
    private readonly RowTerms terms;
    private readonly double invTau, beta;
    private readonly bool temperatureClamped;

    private DebiasedContrastiveOp(Tensor[] inputs, KernelRows rows, SoftmaxDirection direction, RowTerms terms, double invTau, double beta, bool temperatureClamped)
        : base(inputs)
    {
        this.rows = rows;
        this.direction = direction;
        this.terms = terms;
        this.invTau = invTau;
        this.beta = beta;
        this.temperatureClamped = temperatureClamped;
    }

    /// <summary>
    /// Per anchor, from the forward: the log-sum-exps over the negatives (at 1/τ·(1+β), and at 1/τ·β for HCL), D_i = ln(pos_i + Ng_i),
    /// ln γ_i = ln ∂L_i/∂ln R_i (−∞ where Ng_i sat at its floor), whether it did, and ∂L_i/∂S_ip.
    /// </summary>
    private sealed record RowTerms(double[] Lse, double[]? LseBeta, double[] LogDenominator, double[] LogGamma, bool[] Clamped, double[] PositiveGradient, double LogFloor);

    public static Tensor Forward(KernelRows rows, int[] positives, double tauPlus, double beta, ContrastiveTemperature temperature)
    {
        var z = rows.Input;
        int n = z.ShapeArray[0], m = n - 2;
        double invTau = temperature.InverseTemperature;
        var direction = SoftmaxDirections.OnePositive(positives, 1.0 / n, z, excludePositives: true);
        var (lse, positiveLogit, lseBeta) = NegativeLogSumExps(rows, direction, invTau * (1 + beta), beta > 0 ? invTau * beta : null);
        double logM = Math.Log(m), logFloor = logM - invTau;
        var terms = new RowTerms(lse, lseBeta, new double[n], new double[n], new bool[n], new double[n], logFloor);
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double sp = positiveLogit[i] / (1 + beta);
            double logR = lseBeta is null ? lse[i] : logM + lse[i] - lseBeta[i];
            // ln(R − τ⁺M pos): against the larger of ln R and ln(τ⁺M pos); empty (−∞) when the estimate is not positive.
            double logDebiased = tauPlus == 0 ? logR : LogDifference(logR, Math.Log(tauPlus * m) + sp);
            double logNg = logDebiased - Math.Log(1 - tauPlus);
            bool clamped = !(logNg > logFloor);
            if (clamped) logNg = logFloor;
            double logDenominator = LogAddExp(sp, logNg);
            double positiveShare = Math.Exp(sp - logDenominator);
            terms.LogGamma[i] = clamped ? double.NegativeInfinity : logR - logDenominator - Math.Log(1 - tauPlus);
            terms.Clamped[i] = clamped;
            terms.LogDenominator[i] = logDenominator;
            terms.PositiveGradient[i] = -1 + positiveShare * (clamped ? 1 : 1 - tauPlus * m / (1 - tauPlus));
            loss += logDenominator - sp;
        }
        var result = Tensor.Scalar(loss / n, z.Device, z.DType);
        Tensor[] inputs = temperature.LogScale is { } logScale ? [z, logScale] : [z];
        return Record(result, () => new DebiasedContrastiveOp(inputs, rows, direction, terms, invTau, beta, temperature.Clamped), inputs);
    }

    /// <summary>
    /// ln Σ_{k ∉ {i, p(i)}} exp(scale·a_i·a_k) per anchor and scale·a_i·a_p(i), by the fused forward; with a second scale (HCL)
    /// also the log-sum-exp at that scale, from the same pass where the backend shares the tiles.
    /// </summary>
    private static (double[] Lse, double[] PositiveLogit, double[]? SecondLse) NegativeLogSumExps(KernelRows rows, SoftmaxDirection direction, double scale, double? secondScale)
    {
        var z = rows.Input;
        using var scope = TensorScope.Begin();
        var (side, lse, positiveLogit) = OutputSide(z, direction);
        var shape = SoftmaxContrastiveOp.Shape(z, z, direction, oneSet: true);
        if (secondScale is not { } second)
        {
            z.Backend.ContrastiveForward(rows.View, rows.View, side, null, shape, scale);
            return (lse.ToDoubleArray(), positiveLogit.ToDoubleArray(), null);
        }
        var (secondSide, secondLse, _) = OutputSide(z, direction);
        z.Backend.ContrastiveForwardTwoScales(rows.View, side, scale, secondSide, second, shape);
        return (lse.ToDoubleArray(), positiveLogit.ToDoubleArray(), secondLse.ToDoubleArray());
    }

    /// <summary>A side whose LSE and positive logit the forward writes, into tensors of the caller's scope.</summary>
    private static (BufferSide Side, Tensor Lse, Tensor PositiveLogit) OutputSide(Tensor z, SoftmaxDirection direction)
    {
        var lse = Tensor.Empty([z.ShapeArray[0]], z.Device, z.DType);
        var positiveLogit = Tensor.Empty([z.ShapeArray[0]], z.Device, z.DType);
        return (new BufferSide(direction.Keys.Data, direction.PositiveWeight.Data, lse.Data, positiveLogit.Data, default), lse, positiveLogit);
    }


    // With λ = g/N (g the upstream gradient), D_i = ln(pos_i + Ng_i) and γ_i = ∂L_i/∂ln R_i = e^(ln R_i − D_i)/(1 − τ⁺)
    // (0 where Ng_i sat at its floor: the max takes the constant side, so the negatives get no gradient there):
    //   ∂L_i/∂S_ip = −1 + e^(S_ip − D_i)·(1 − τ⁺M/(1 − τ⁺))   (clamped: −1 + e^(S_ip − D_i)),
    //   ∂L_i/∂S_ik = γ_i ∂ln R_i/∂S_ik for negatives k:
    //     debiased: γ_i softmax_k(S_i·),  HCL: γ_i ((1+β) softmax_k((1+β)S_i·) − β softmax_k(βS_i·))  (softmax over negatives).
    // Each softmax term is a fused backward at its scale s = (1+β)/τ or β/τ (HCL: both in one pass over the tiles where the
    // backend shares them, ContrastiveBackwardTwoScales), which computes
    // s Σ_k c_i (exp(s·a_i·a_k − LSE'_i) − w'_i [k = p(i)]) a_k (and the mirrored column term): LSE'_i = LSE_i − ln γ_i folds γ in
    // (+∞ where γ = 0), c_i = ±λ, and the positive's −1… rides on the first pass as w'_i = −(∂L_i/∂S_ip)/(1+β).
    // Learned θ = ln(1/τ): every S scales with e^θ, so ∂L/∂θ = ½ Σ_i y_i·dY_i as for NT-Xent, plus, where Ng sat at its floor
    // M e^(−e^θ), λ e^(ln floor − D_i)·(−1/τ).
    public override Tensor?[] Backward(Tensor g)
    {
        var z = rows.Input;
        int n = z.ShapeArray[0];
        double lambda = g.ToDoubleArray()[0] / n;
        var grads = new Tensor?[Inputs.Length];
        using var scope = TensorScope.Begin();
        var dz = scope.Keep(Tensor.Empty(z.ShapeArray, z.Device, z.DType));
        var shape = SoftmaxContrastiveOp.Shape(z, z, direction, oneSet: true);
        var first = BackwardSide(terms.Lse, lambda, i => -terms.PositiveGradient[i] / (1 + beta));
        if (terms.LseBeta is { } lseBeta)
            z.Backend.ContrastiveBackwardTwoScales(rows.View, first, invTau * (1 + beta), BackwardSide(lseBeta, -lambda, _ => 0.0), invTau * beta, dz.Data, shape);
        else
            z.Backend.ContrastiveBackward(rows.View, rows.View, first, first, dz.Data, null, shape, invTau * (1 + beta));
        var logScale = Inputs.Length == 2 ? Inputs[1] : null;
        if (logScale is { RequiresGrad: true })
        {
            if (temperatureClamped)
            {
                grads[1] = scope.Keep(Tensor.Zeros(logScale.ShapeArray, logScale.Device, logScale.DType));
            }
            else
            {
                double floorTerm = 0;
                for (int i = 0; i < n; i++)
                    if (terms.Clamped[i]) floorTerm += lambda * Math.Exp(terms.LogFloor - terms.LogDenominator[i]) * -invTau;
                using var dots = rows.DotWithRows(dz);
                grads[1] = scope.Keep((dots * 0.5 + floorTerm).Reshape(logScale.ShapeArray));
            }
        }
        rows.ToInputGradient(dz);
        grads[0] = dz;
        return grads;
    }

    /// <summary>A backward side with LSE'_i = LSE_i − ln γ_i, coefficient c for every anchor and positive weight w'_i (its tensors in the caller's scope).</summary>
    private BufferSide BackwardSide(double[] lse, double coefficient, Func<int, double> positiveWeight)
    {
        var z = rows.Input;
        int n = lse.Length;
        var shifted = new double[n];
        var weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            shifted[i] = lse[i] - terms.LogGamma[i];
            weights[i] = positiveWeight(i);
        }
        var lseTensor = SoftmaxDirections.Values(shifted, z);
        var weightTensor = SoftmaxDirections.Values(weights, z);
        var coefficients = SoftmaxDirections.Values(Enumerable.Repeat(coefficient, n).ToArray(), z);
        return new BufferSide(direction.Keys.Data, weightTensor.Data, lseTensor.Data, default, coefficients.Data);
    }

    /// <summary>ln(eˣ − eʸ), −∞ when eˣ ≤ eʸ.</summary>
    private static double LogDifference(double x, double y) => x > y ? x + Math.Log(-double.ExpM1(y - x)) : double.NegativeInfinity;

    private static double LogAddExp(double x, double y)
    {
        double max = Math.Max(x, y);
        return max + Math.Log(Math.Exp(x - max) + Math.Exp(y - max));
    }
}
