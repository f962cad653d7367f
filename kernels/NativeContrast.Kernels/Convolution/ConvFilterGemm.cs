using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// The filter gradient as an implicit GEMM: dw[o, k=(c,kh,kw)] = Σ_{(n,p,q)} g[o, (n,p,q)] · x̂[k, (n,p,q)]
/// (x̂ as in <see cref="ConvForwardGemm"/>): M = O, N = C·KH·KW, K = batch·P·Q, the long reduction.
/// </summary>
public struct ConvFilterGemm : IImplicitGemm
{
    public ArrayView<float> X, G, Dw;
    public ConvShape Shape;

    public readonly int M => Shape.OutChannels;

    public readonly int N => Shape.Patch;

    public readonly int K => Shape.Batch * Shape.OutPlane;

    public readonly float A(int m, int k)
    {
        int image = k / Shape.OutPlane, position = k % Shape.OutPlane;
        return G[(image * Shape.OutChannels + m) * Shape.OutPlane + position];
    }

    public readonly float B(int k, int n) => ConvForwardGemm.Unfolded(X, Shape, n, k);

    public readonly void Store(int m, int n, float value) => Dw[m * Shape.Patch + n] = value;
}
