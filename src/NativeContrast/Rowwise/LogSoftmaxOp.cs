using NativeContrast.Autograd;

namespace NativeContrast.Ops;

/// <summary>Log-softmax over the last axis, fused and stable: y = x − max − ln Σ exp(x − max).</summary>
internal sealed class LogSoftmaxOp : AutogradNode
{
    private readonly Tensor output;

    private LogSoftmaxOp(Tensor x, Tensor output) : base(x) => this.output = output;

    public static Tensor Forward(Tensor x)
    {
        Tensor.CheckFloating("LogSoftmax", x);
        if (x.Rank == 0) throw new ArgumentException("LogSoftmax needs at least one axis.", nameof(x));
        int cols = x.ShapeArray[^1], rows = cols == 0 ? 0 : x.Count / cols;
        var y = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
        if (y.Count > 0) x.Backend.LogSoftmax(x.Data, y.Data, rows, cols);
        return Record(y, () => new LogSoftmaxOp(x, y), x);
    }

    // ∂y_j/∂x_k = δ_jk − softmax_k, so dx_k = g_k − softmax_k·Σ_j g_j, with softmax = exp(y).
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        int cols = x.ShapeArray[^1], rows = x.Count / cols;
        var dx = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
        x.Backend.LogSoftmaxBackward(g.Data, output.Data, dx.Data, rows, cols);
        return [dx];
    }
}
