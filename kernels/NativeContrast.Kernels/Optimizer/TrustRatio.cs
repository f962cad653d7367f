namespace NativeContrast.Kernels;

/// <summary>LARS's layer-wise trust ratio (You et al. 2017), shared by the cpu backend and the ILGPU kernel.</summary>
public static class TrustRatio
{
    /// <summary>
    /// lr·t with t = η·‖w‖/‖u‖ from the sums of squares w = Σp², u = Σd² (‖·‖ = √ of them), and t = 1 when either norm is 0.
    /// </summary>
    public static double Scale(double weightSquares, double updateSquares, double learningRate, double trustCoefficient)
    {
        double weightNorm = Math.Sqrt(weightSquares), updateNorm = Math.Sqrt(updateSquares);
        double trust = weightNorm > 0 && updateNorm > 0 ? trustCoefficient * weightNorm / updateNorm : 1.0;
        return learningRate * trust;
    }
}
