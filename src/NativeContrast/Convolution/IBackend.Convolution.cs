using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>The convolution family's slice of the backend interface.</summary>
internal partial interface IBackend
{
    /// <summary>y [N, O, P, Q] = conv(x [N, C, H, W], w [O, C, KH, KW]) (+ bias [O]); see <see cref="ConvolutionKernels"/>.</summary>
    void Conv2dForward(BufferSlice x, BufferSlice w, BufferSlice? bias, BufferSlice y, ConvShape s);

    /// <summary>dx = the gradient of the convolution with respect to its input, for upstream g [N, O, P, Q].</summary>
    void Conv2dBackwardData(BufferSlice g, BufferSlice w, BufferSlice dx, ConvShape s);

    /// <summary>dw (overwritten) = the gradient of the convolution with respect to its filter.</summary>
    void Conv2dBackwardFilter(BufferSlice x, BufferSlice g, BufferSlice dw, ConvShape s);

    /// <summary>Max pooling; argMax [N, C, P, Q] (Int32) holds h·W + w of each window's maximum.</summary>
    void MaxPool2dForward(BufferSlice x, BufferSlice y, BufferSlice argMax, ConvShape s);

    void MaxPool2dBackward(BufferSlice g, BufferSlice argMax, BufferSlice dx, ConvShape s);

    /// <summary>Average pooling, zero padding counted, divisor KH·KW.</summary>
    void AvgPool2dForward(BufferSlice x, BufferSlice y, ConvShape s);

    void AvgPool2dBackward(BufferSlice g, BufferSlice dx, ConvShape s);
}
