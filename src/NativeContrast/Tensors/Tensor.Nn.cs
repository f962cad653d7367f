using NativeContrast.Ops;

namespace NativeContrast;

/// <summary>Neural-network ops on tensors (the layers in <c>NativeContrast.Nn</c> hold their parameters and call these).</summary>
public sealed partial class Tensor
{
    /// <summary>2-D convolution of this [N, C, H, W] input with <paramref name="weight"/> [O, C, KH, KW] (+ <paramref name="bias"/> [O]).</summary>
    public Tensor Conv2d(Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0) => Conv2dOp.Forward(this, weight, bias, stride, padding);

    /// <summary>Max pooling over <paramref name="kernel"/>×<paramref name="kernel"/> windows (stride defaults to the window).</summary>
    public Tensor MaxPool2d(int kernel, int? stride = null, int padding = 0) => MaxPool2dOp.Forward(this, kernel, stride ?? kernel, padding);

    /// <summary>Average pooling over <paramref name="kernel"/>×<paramref name="kernel"/> windows (stride defaults to the window).</summary>
    public Tensor AvgPool2d(int kernel, int? stride = null, int padding = 0) => AvgPool2dOp.Forward(this, kernel, stride ?? kernel, padding);

    /// <summary>The mean over H and W of an [N, C, H, W] input: [N, C].</summary>
    public Tensor GlobalAvgPool2d()
    {
        if (Rank != 4) throw new ArgumentException($"GlobalAvgPool2d needs input [N, C, H, W]; got {Shapes.Format(shape)}.");
        return Mean([2, 3]);
    }

    /// <summary>Batch normalization (see <c>Nn.BatchNorm2d</c>); updates the running estimates when training.</summary>
    public Tensor BatchNorm(Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, bool training, double momentum = 0.1, double eps = 1e-5) =>
        BatchNormOp.Forward(this, weight, bias, runningMean, runningVar, training, momentum, eps);

    /// <summary>
    /// Batch normalization followed by ReLU, max(BatchNorm(x), 0), as one op: one pass over memory fewer forward and
    /// backward, and no intermediate tensor. <c>Nn.Sequential</c> uses it for a BatchNorm module followed by a Relu module.
    /// </summary>
    public Tensor BatchNormRelu(Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, bool training, double momentum = 0.1, double eps = 1e-5) =>
        BatchNormOp.Forward(this, weight, bias, runningMean, runningVar, training, momentum, eps, relu: true);

    /// <summary>Layer normalization over the last axis.</summary>
    public Tensor LayerNorm(Tensor weight, Tensor bias, double eps = 1e-5) => LayerNormOp.Forward(this, weight, bias, eps);

    /// <summary>GELU (tanh form).</summary>
    public Tensor Gelu() => ElementwiseOps.Gelu(this);
}
