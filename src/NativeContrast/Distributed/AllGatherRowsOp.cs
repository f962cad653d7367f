using NativeContrast.Autograd;
using NativeContrast.Ops;

namespace NativeContrast.Distributed;

/// <summary>
/// y = concat over ranks r of x_r along axis 0 (every rank's x has the same shape): each rank sees the
/// rows of all ranks, as global negatives need. The data goes through the host.
/// </summary>
internal sealed class AllGatherRowsOp : AutogradNode
{
    private readonly Communicator communicator;

    private AllGatherRowsOp(Tensor x, Communicator communicator) : base(x) => this.communicator = communicator;

    public static Tensor Forward(Tensor x, Communicator communicator)
    {
        Tensor.CheckFloating("AllGatherRows", x);
        if (x.Rank < 1) throw new ArgumentException("AllGatherRows needs a tensor with at least one axis.", nameof(x));
        var shape = (int[])x.ShapeArray.Clone();
        shape[0] *= communicator.Size;
        var y = Gather(x, shape, communicator);
        return Record(y, () => new AllGatherRowsOp(x, communicator), x);
    }

    private static Tensor Gather(Tensor x, int[] shape, Communicator communicator)
    {
        if (x.DType == DType.Float64)
        {
            var all = new double[Shapes.Count(shape)];
            communicator.AllGather<double>(x.ToDoubleArray(), all);
            return Tensor.FromArray(all, shape, x.Device);
        }
        var gathered = new float[Shapes.Count(shape)];
        communicator.AllGather<float>(x.ToFloatArray(), gathered);
        return Tensor.FromArray(gathered, shape, x.Device);
    }

    // Every rank r has its own loss L_r of the gathered y, and the objective is their mean (the
    // parameter gradients are averaged, see DataParallel). Rows of y that came from this rank reach
    // every L_r, so dL/dx_this = Σ_r ∂L_r/∂y[this rank's rows]: sum g over the ranks, keep this rank's
    // slice. When every rank evaluates the same loss, the sum is Size·g, which the averaging undoes.
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        int start = communicator.Rank * x.Count;
        if (g.DType == DType.Float64)
        {
            var sum = g.ToDoubleArray();
            communicator.AllReduceSum<double>(sum);
            return [Tensor.FromArray(sum.AsSpan(start, x.Count).ToArray(), x.ShapeArray, g.Device)];
        }
        var sums = g.ToFloatArray();
        communicator.AllReduceSum<float>(sums);
        return [Tensor.FromArray(sums.AsSpan(start, x.Count).ToArray(), x.ShapeArray, g.Device)];
    }
}
