using System.Numerics;

namespace NativeContrast.Backends;

/// <summary>The optimizer family on the managed CPU backend.</summary>
internal sealed partial class CpuBackend
{
    public void TrustRatioScale(BufferSlice weightSquares, BufferSlice updateSquares, BufferSlice scale, double learningRate, double trustCoefficient)
    {
        if (scale.Buffer is CpuBuffer<float>) TrustRatioScale<float>(weightSquares, updateSquares, scale, learningRate, trustCoefficient);
        else TrustRatioScale<double>(weightSquares, updateSquares, scale, learningRate, trustCoefficient);
    }

    private static void TrustRatioScale<T>(BufferSlice weightSquares, BufferSlice updateSquares, BufferSlice scale, double learningRate, double trustCoefficient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double w = double.CreateTruncating(Array<T>(weightSquares)[weightSquares.Offset]), u = double.CreateTruncating(Array<T>(updateSquares)[updateSquares.Offset]);
        Array<T>(scale)[scale.Offset] = T.CreateTruncating(Kernels.TrustRatio.Scale(w, u, learningRate, trustCoefficient));
    }
}
