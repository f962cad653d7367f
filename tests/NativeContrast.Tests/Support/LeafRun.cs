namespace NativeContrast.Tests.Support;

/// <summary>A loss run forward and backward on fresh leaves: its value and every input's gradient.</summary>
public static class LeafRun
{
    /// <summary>Runs <paramref name="loss"/> on leaves made from the given values (float64, cpu).</summary>
    public static (double Loss, double[][] Grads) Run(Func<Tensor[], Tensor> loss, params (double[] Values, int[] Shape)[] inputs) =>
        Run(loss, inputs.Select(i => Tensor.FromArray(i.Values, i.Shape, Device.Cpu)).ToArray(), DType.Float64);

    /// <summary>Runs <paramref name="loss"/> on leaves that are copies of <paramref name="inputs"/> in <paramref name="dtype"/>.</summary>
    public static (double Loss, double[][] Grads) Run(Func<Tensor[], Tensor> loss, Tensor[] inputs, DType dtype)
    {
        using var scope = TensorScope.Begin();
        var leaves = inputs.Select(t => { var c = t.ToDType(dtype); c.RequiresGrad = true; return c; }).ToArray();
        var l = loss(leaves);
        l.Backward();
        return (l.Item(), leaves.Select(t => t.Grad!.ToDoubleArray()).ToArray());
    }
}
