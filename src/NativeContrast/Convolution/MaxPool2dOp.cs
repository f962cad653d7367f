using NativeContrast.Autograd;
using NativeContrast.Kernels;

namespace NativeContrast.Ops;

/// <summary>y[n,c,p,q] = max over the window (padding is −∞); the position of each maximum is kept for backward.</summary>
internal sealed class MaxPool2dOp : AutogradNode
{
    private readonly ConvShape shape;
    private readonly Tensor argMax;

    private MaxPool2dOp(Tensor x, ConvShape shape, Tensor argMax) : base(x)
    {
        this.shape = shape;
        this.argMax = argMax;
    }

    public static Tensor Forward(Tensor x, int kernel, int stride, int padding)
    {
        Tensor.CheckFloating("MaxPool2d", x);
        if (x.Rank != 4) throw new ArgumentException($"MaxPool2d needs input [N, C, H, W]; got {Shapes.Format(x.ShapeArray)}.", nameof(x));
        if (2 * padding > kernel) throw new ArgumentOutOfRangeException(nameof(padding), padding, $"MaxPool2d: padding must be at most half the window ({kernel}).");
        var s = Conv2dOp.Window(x, kernel, kernel, stride, padding, "MaxPool2d");
        var y = Tensor.Empty([s.Batch, s.Channels, s.OutHeight, s.OutWidth], x.Device, x.DType);
        var argMax = Tensor.Empty(y.ShapeArray, x.Device, DType.Int32);
        if (y.Count > 0) x.Backend.MaxPool2dForward(x.Data, y.Data, argMax.Data, s);
        return Record(y, () => new MaxPool2dOp(x, s, argMax), x);
    }

    // The gradient flows to each window's maximum only (the first one on ties).
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        var dx = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
        if (dx.Count > 0) x.Backend.MaxPool2dBackward(g.Data, argMax.Data, dx.Data, shape);
        return [dx];
    }
}
