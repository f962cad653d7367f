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

    public readonly float B(int k, int n)
    {
        var s = Shape;
        int kw = n % s.KernelW, kh = n / s.KernelW % s.KernelH, c = n / (s.KernelW * s.KernelH);
        int q = k % s.OutWidth, p = k / s.OutWidth % s.OutHeight, image = k / s.OutPlane;
        int ih = p * s.Stride - s.Padding + kh, iw = q * s.Stride - s.Padding + kw;
        return ih >= 0 && ih < s.Height && iw >= 0 && iw < s.Width ? X[((image * s.Channels + c) * s.Height + ih) * s.Width + iw] : 0f;
    }

    public readonly void Store(int m, int n, float value) => Dw[m * Shape.Patch + n] = value;
}
