using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// The data gradient as an implicit GEMM in gather form (no atomics):
/// dx[c, (n,h,w)] = Σ_{k=(o,kh,kw)} w[o, c, kh, kw] · ĝ[k, (n,h,w)], where ĝ[(o,kh,kw), (n,h,w)] =
/// g[n, o, p, q] with p = (h + pad − kh)/stride and q likewise when both divide exactly and fall in the
/// output, else 0. M = C, N = batch·H·W, K = O·KH·KW.
/// </summary>
public struct ConvDataGemm : IImplicitGemm
{
    /// <summary>The output gradient, the kernel and the input gradient.</summary>
    public ArrayView<float> G, W, Dx;
    /// <summary>The convolution's shape.</summary>
    public ConvShape Shape;

    /// <inheritdoc/>
    public readonly int M => Shape.Channels;

    /// <inheritdoc/>
    public readonly int N => Shape.Batch * Shape.InPlane;

    /// <inheritdoc/>
    public readonly int K => Shape.OutChannels * Shape.KernelH * Shape.KernelW;

    /// <inheritdoc/>
    public readonly float A(int m, int k)
    {
        var s = Shape;
        int window = s.KernelH * s.KernelW, o = k / window, tap = k % window;
        return W[(o * s.Channels + m) * window + tap];
    }

    /// <inheritdoc/>
    public readonly float B(int k, int n)
    {
        var s = Shape;
        int kw = k % s.KernelW, kh = k / s.KernelW % s.KernelH, o = k / (s.KernelW * s.KernelH);
        int w = n % s.Width, h = n / s.Width % s.Height, image = n / s.InPlane;
        int pStride = h + s.Padding - kh, qStride = w + s.Padding - kw;
        if (pStride < 0 || qStride < 0 || pStride % s.Stride != 0 || qStride % s.Stride != 0) return 0f;
        int p = pStride / s.Stride, q = qStride / s.Stride;
        return p < s.OutHeight && q < s.OutWidth ? G[((image * s.OutChannels + o) * s.OutHeight + p) * s.OutWidth + q] : 0f;
    }

    /// <inheritdoc/>
    public readonly void Store(int m, int n, float value)
    {
        int image = n / Shape.InPlane, position = n % Shape.InPlane;
        Dx[(image * Shape.Channels + m) * Shape.InPlane + position] = value;
    }
}
