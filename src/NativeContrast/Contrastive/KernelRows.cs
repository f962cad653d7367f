using NativeContrast.Backends;

namespace NativeContrast.Ops;

/// <summary>
/// A loss input's rows as the fused kernels see them (<see cref="SoftmaxContrastiveOp"/>, <see cref="PairDistanceOp"/>,
/// triplet mining): the input x itself, each row scaled on load (normalize) by 1/max(‖x‖, ε), so the kernels
/// work on y = x/‖x‖ without y being stored. The kernels' backward writes ∂L/∂y into the gradient buffer and
/// <see cref="ToInputGradient"/> turns it into ∂L/∂x there, with y recomputed from x. Beyond its inputs and
/// gradients a loss then holds O(N) for it: norms and their inverses (a separate L2-normalize node would hold y
/// and ∂L/∂y, two N×D buffers). Made by the losses' input check (<c>LossInputs.Embeddings</c>), whose pass over
/// the rows gives the norms (<see cref="Backends.IBackend.RowNorms"/>).
/// </summary>
internal sealed record KernelRows(Tensor Input, Tensor? Norms, Tensor? InverseNorms)
{
    public ContrastiveRows View => new(Input.Data, InverseNorms?.Data);

    /// <summary>Σ_i y_i·g_i over the rows the kernels saw (y = x/‖x‖, or x itself), for a learned τ; O(N) memory.</summary>
    public Tensor DotWithRows(Tensor gradient)
    {
        int rows = Input.ShapeArray[0], cols = Input.ShapeArray[1];
        var dots = Tensor.Empty([rows], Input.Device, Input.DType);
        Input.Backend.RowDots(Input.Data, gradient.Data, dots.Data, rows, cols);
        return (InverseNorms is null ? dots : dots * InverseNorms).Sum();
    }

    // y = x/r, r = ‖x‖: dx = (dy − y (dy·y))/r (L2NormalizeOp), computed in place over dy.
    public void ToInputGradient(Tensor gradient)
    {
        if (Norms is null) return;
        Input.Backend.L2NormalizeBackwardInPlace(gradient.Data, Input.Data, Norms.Data, Input.ShapeArray[0], Input.ShapeArray[1], L2NormalizeOp.Epsilon);
    }
}
