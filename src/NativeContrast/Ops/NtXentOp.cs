using NativeContrast.Autograd;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Ops;

/// <summary>
/// Fused NT-Xent over rows z [N, D] (taken as given: normalization, if any, is a separate op before it).
/// S_ij = z_i·z_j/τ, LSE_i = ln Σ_{j≠i} exp S_ij, L = (1/N) Σ_i (LSE_i − S_{i,p(i)}).
/// Never builds the N×N matrix; saves LSE (N values) for backward.
/// </summary>
internal sealed class NtXentOp : AutogradNode
{
    private readonly Tensor positives;
    private readonly Tensor lse;
    private readonly double invTau;

    private NtXentOp(Tensor z, Tensor positives, Tensor lse, double invTau) : base(z)
    {
        this.positives = positives;
        this.lse = lse;
        this.invTau = invTau;
    }

    public static Tensor Forward(Tensor z, Tensor positives, double temperature)
    {
        int n = z.ShapeArray[0], d = z.ShapeArray[1];
        var lse = Tensor.Empty([n], z.Device, z.DType);
        var rowLoss = Tensor.Empty([n], z.Device, z.DType);
        double invTau = 1.0 / temperature;
        z.Backend.NtXentForward(z.Data, positives.Data, lse.Data, rowLoss.Data, n, d, invTau);
        var sum = SumOp.Compute(rowLoss, [], keepDims: false);
        rowLoss.Dispose();
        var mean = Elementwise.Unary("NtXent", sum, new ScaleShiftFunction { Scale = 1.0 / n });
        sum.Dispose();
        return Record(mean, () => new NtXentOp(z, positives, lse, invTau), z);
    }

    // With P_ij = exp(S_ij − LSE_i) (P_ii = 0) and S symmetric:
    // ∂L/∂z_i = 1/(Nτ) Σ_j (P_ij + P_ji − [j = p(i)] − [i = p(j)]) z_j.
    // The first two terms come from row i's and row j's log-sum-exp, the last two from the positive
    // logit S_{i,p(i)} seen from either side. Each row is one streaming pass over the columns.
    public override Tensor?[] Backward(Tensor g)
    {
        var z = Inputs[0];
        int n = z.ShapeArray[0], d = z.ShapeArray[1];
        var dz = Tensor.Empty(z.ShapeArray, z.Device, z.DType);
        z.Backend.NtXentBackward(z.Data, positives.Data, lse.Data, g.Data, dz.Data, n, d, invTau);
        return [dz];
    }
}
