namespace NativeContrast.Nn;

/// <summary>Batch normalization of features, input [N, C].</summary>
public sealed class BatchNorm1d(int channels, double momentum = 0.1, double eps = 1e-5, Device? device = null, DType dtype = DType.Float32)
    : BatchNorm(channels, momentum, eps, device, dtype)
{
    /// <inheritdoc/>
    protected override int InputRank => 2;
}
