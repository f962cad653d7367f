using NativeContrast.Autograd;
using NativeContrast.Kernels;

namespace NativeContrast.Ops;

/// <summary>
/// 2-D convolution (cross-correlation, as in every deep-learning library) over NCHW:
/// y[n,o,p,q] = Σ_{c,kh,kw} x[n,c,p·s − pad + kh, q·s − pad + kw]·w[o,c,kh,kw] + b[o].
/// </summary>
internal sealed class Conv2dOp : AutogradNode
{
    private readonly ConvShape shape;

    /// <inheritdoc/>
    public override string ProfileName => $"Conv2d {shape.Channels}→{shape.OutChannels} {shape.KernelH}×{shape.KernelW}/{shape.Stride} {shape.Height}×{shape.Width}";

    private Conv2dOp(Tensor[] inputs, ConvShape shape) : base(inputs) => this.shape = shape;

    public static Tensor Forward(Tensor x, Tensor w, Tensor? bias, int stride, int padding)
    {
        Tensor.CheckFloating("Conv2d", x);
        if (bias is null) Tensor.CheckCompatible("Conv2d", x, w);
        else Tensor.CheckCompatible("Conv2d", x, w, bias);
        if (x.Rank != 4) throw new ArgumentException($"Conv2d needs input [N, C, H, W]; got {Shapes.Format(x.ShapeArray)}.", nameof(x));
        if (w.Rank != 4) throw new ArgumentException($"Conv2d needs a filter [O, C, KH, KW]; got {Shapes.Format(w.ShapeArray)}.", nameof(w));
        if (w.ShapeArray[1] != x.ShapeArray[1])
            throw new ArgumentException($"Conv2d: the input has {x.ShapeArray[1]} channels but the filter {Shapes.Format(w.ShapeArray)} expects {w.ShapeArray[1]}.", nameof(w));
        if (bias is not null && (bias.Rank != 1 || bias.ShapeArray[0] != w.ShapeArray[0]))
            throw new ArgumentException($"Conv2d: bias must have shape [{w.ShapeArray[0]}]; got {Shapes.Format(bias.ShapeArray)}.", nameof(bias));
        var s = Window(x, w.ShapeArray[2], w.ShapeArray[3], stride, padding, "Conv2d");
        s.OutChannels = w.ShapeArray[0];
        var y = Tensor.Empty([s.Batch, s.OutChannels, s.OutHeight, s.OutWidth], x.Device, x.DType);
        if (y.Count > 0) x.Backend.Conv2dForward(x.Data, w.Data, bias?.Data, y.Data, s);
        Tensor[] inputs = bias is null ? [x, w] : [x, w, bias];
        return Record(y, () => new Conv2dOp(inputs, s), inputs);
    }

    /// <summary>The window geometry of a convolution or pooling over x; checks that the output is not empty.</summary>
    internal static ConvShape Window(Tensor x, int kernelH, int kernelW, int stride, int padding, string op)
    {
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"{op}: stride must be at least 1.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, $"{op}: padding must be at least 0.");
        if (kernelH < 1 || kernelW < 1) throw new ArgumentOutOfRangeException("kernel", $"{op}: the window must be at least 1×1; got {kernelH}×{kernelW}.");
        var s = new ConvShape
        {
            Batch = x.ShapeArray[0], Channels = x.ShapeArray[1], Height = x.ShapeArray[2], Width = x.ShapeArray[3],
            OutChannels = x.ShapeArray[1], KernelH = kernelH, KernelW = kernelW, Stride = stride, Padding = padding,
        };
        s.OutHeight = (s.Height + 2 * padding - kernelH) / stride + 1;
        s.OutWidth = (s.Width + 2 * padding - kernelW) / stride + 1;
        if (s.Height + 2 * padding < kernelH || s.Width + 2 * padding < kernelW)
            throw new ArgumentException($"{op}: a {kernelH}×{kernelW} window does not fit a {s.Height}×{s.Width} input with padding {padding}.", nameof(x));
        return s;
    }

    // dx = convᵀ(g, w) (the adjoint of the forward in x), dw = Σ_n g_n ⋆ x_n, db = Σ_{n,p,q} g.
    public override Tensor?[] Backward(Tensor g)
    {
        var (x, w) = (Inputs[0], Inputs[1]);
        var grads = new Tensor?[Inputs.Length];
        if (x.RequiresGrad)
        {
            var dx = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
            if (dx.Count > 0) x.Backend.Conv2dBackwardData(g.Data, w.Data, dx.Data, shape);
            grads[0] = dx;
        }
        if (w.RequiresGrad)
        {
            var dw = Tensor.Empty(w.ShapeArray, w.Device, w.DType);
            x.Backend.Conv2dBackwardFilter(x.Data, g.Data, dw.Data, shape);
            grads[1] = dw;
        }
        if (Inputs.Length == 3 && Inputs[2].RequiresGrad) grads[2] = SumOp.Compute(g, [0, 2, 3], keepDims: false);
        return grads;
    }
}
