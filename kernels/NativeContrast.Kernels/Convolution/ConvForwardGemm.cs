using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// Forward convolution as an implicit GEMM: y[o, (n,p,q)] = Σ_{k=(c,kh,kw)} w[o, k] · x̂[k, (n,p,q)], where
/// x̂[(c,kh,kw), (n,p,q)] = x[n, c, p·stride − pad + kh, q·stride − pad + kw] (0 in the padding).
/// M = O, N = batch·P·Q, K = C·KH·KW; bias[o] is added on store when HasBias.
/// </summary>
public struct ConvForwardGemm : IImplicitGemm
{
    /// <summary>The input, the kernel, the bias and the output.</summary>
    public ArrayView<float> X, W, Bias, Y;
    /// <summary>The convolution's shape.</summary>
    public ConvShape Shape;
    /// <summary>1 when <see cref="Bias"/> is added.</summary>
    public int HasBias;

    /// <inheritdoc/>
    public readonly int M => Shape.OutChannels;

    /// <inheritdoc/>
    public readonly int N => Shape.Batch * Shape.OutPlane;

    /// <inheritdoc/>
    public readonly int K => Shape.Patch;

    /// <inheritdoc/>
    public readonly float A(int m, int k) => W[m * Shape.Patch + k];

    /// <inheritdoc/>
    public readonly float B(int k, int n) => Unfolded(X, Shape, k, n);

    /// <summary>x̂[(c,kh,kw), (n,p,q)]: the input under tap (kh, kw) of channel c for output position (p, q) of image n, 0 in the padding.</summary>
    public static float Unfolded(ArrayView<float> x, ConvShape s, int patchIndex, int position)
    {
        int kw = patchIndex % s.KernelW, kh = patchIndex / s.KernelW % s.KernelH, c = patchIndex / (s.KernelW * s.KernelH);
        int q = position % s.OutWidth, p = position / s.OutWidth % s.OutHeight, image = position / s.OutPlane;
        int ih = p * s.Stride - s.Padding + kh, iw = q * s.Stride - s.Padding + kw;
        return ih >= 0 && ih < s.Height && iw >= 0 && iw < s.Width ? x[((image * s.Channels + c) * s.Height + ih) * s.Width + iw] : 0f;
    }

    /// <inheritdoc/>
    public readonly void Store(int m, int n, float value)
    {
        int image = n / Shape.OutPlane, position = n % Shape.OutPlane;
        Y[(image * Shape.OutChannels + m) * Shape.OutPlane + position] = HasBias != 0 ? value + Bias[m] : value;
    }
}
