using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// The filter gradient as an implicit GEMM: dw[o, k=(c,kh,kw)] = Σ_{(n,p,q)} g[o, (n,p,q)] · x̂[k, (n,p,q)]
/// (x̂ as in <see cref="ConvForwardGemm"/>): M = O, N = C·KH·KW, K = batch·P·Q, the long reduction.
/// </summary>
public struct ConvFilterGemm : IImplicitGemm
{
    /// <summary>The input, the output gradient and the kernel gradient.</summary>
    public ArrayView<float> X, G, Dw;
    /// <summary>The convolution's shape.</summary>
    public ConvShape Shape;

    /// <inheritdoc/>
    public readonly int M => Shape.OutChannels;

    /// <inheritdoc/>
    public readonly int N => Shape.Patch;

    /// <inheritdoc/>
    public readonly int K => Shape.Batch * Shape.OutPlane;

    /// <inheritdoc/>
    public readonly float A(int m, int k)
    {
        int image = k / Shape.OutPlane, position = k % Shape.OutPlane;
        return G[(image * Shape.OutChannels + m) * Shape.OutPlane + position];
    }

    /// <inheritdoc/>
    public readonly float B(int k, int n) => ConvForwardGemm.Unfolded(X, Shape, n, k);

    /// <inheritdoc/>
    public readonly void Store(int m, int n, float value) => Dw[m * Shape.Patch + n] = value;
}
