using NativeContrast.Autograd;
using NativeContrast.Kernels;

namespace NativeContrast.Ops;

/// <summary>y[n,c,p,q] = mean over the window, zero padding included (divisor KH·KW, PyTorch's default).</summary>
internal sealed class AvgPool2dOp : AutogradNode
{
    private readonly ConvShape shape;

    private AvgPool2dOp(Tensor x, ConvShape shape) : base(x) => this.shape = shape;

    public static Tensor Forward(Tensor x, int kernel, int stride, int padding)
    {
        Tensor.CheckFloating("AvgPool2d", x);
        if (x.Rank != 4) throw new ArgumentException($"AvgPool2d needs input [N, C, H, W]; got {Shapes.Format(x.ShapeArray)}.", nameof(x));
        var s = Conv2dOp.Window(x, kernel, kernel, stride, padding, "AvgPool2d");
        var y = Tensor.Empty([s.Batch, s.Channels, s.OutHeight, s.OutWidth], x.Device, x.DType);
        if (y.Count > 0) x.Backend.AvgPool2dForward(x.Data, y.Data, s);
        return Record(y, () => new AvgPool2dOp(x, s), x);
    }

    // Each input receives g/(KH·KW) from every window that covers it.
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var dx = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
        if (dx.Count > 0) x.Backend.AvgPool2dBackward(g.Data, dx.Data, shape);
        return [dx];
    }
}
