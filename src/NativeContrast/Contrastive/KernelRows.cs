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
    public BufferRows View => InverseNorms is null ? new(Input.Data) : new(Input.Data, InverseNorms.Data);

    /// <summary>Σ_i y_i·g_i over the rows the kernels saw (y = x/‖x‖, or x itself), for a learned τ; O(N) memory.</summary>
    public Tensor DotWithRows(Tensor gradient)
    {
        int rows = Input.ShapeArray[0], cols = Input.ShapeArray[1];
        var dots = Tensor.Empty([rows], Input.Device, Input.DType);
        Input.Backend.RowDots(Input.Data, gradient.Data, dots.Data, rows, cols);
        return (InverseNorms is null ? dots : dots * InverseNorms).Sum();
    }

    /// <summary>
    /// The gradients of a one-set fused op whose inputs are [x] or [x, θ] (θ = ln(1/τ), learned): θ's is ½ Σ_i y_i·dY_i (each
    /// pair appears in dY_i and dY_j; 0 while 1/τ sits at its clamp), taken before <paramref name="dz"/> (∂L/∂y, kept in
    /// <paramref name="scope"/>) becomes ∂L/∂x in place.
    /// </summary>
    public Tensor?[] OneSetGradients(Tensor dz, Tensor[] inputs, bool temperatureClamped, TensorScope scope)
    {
        var grads = new Tensor?[inputs.Length];
        if (inputs.Length == 2 && inputs[1] is { RequiresGrad: true } logScale)
        {
            grads[1] = scope.Keep(temperatureClamped
                ? Tensor.Zeros(logScale.ShapeArray, logScale.Device, logScale.DType)
                : (DotWithRows(dz) * 0.5).Reshape(logScale.ShapeArray));
        }
        ToInputGradient(dz);
        grads[0] = dz;
        return grads;
    }

    // y = x/r, r = ‖x‖: dx = (dy − y (dy·y))/r (L2NormalizeOp), computed in place over dy.
    public void ToInputGradient(Tensor gradient)
    {
        if (Norms is null) return;
        Input.Backend.L2NormalizeBackwardInPlace(gradient.Data, Input.Data, Norms.Data, Input.ShapeArray[0], Input.ShapeArray[1], L2NormalizeOp.Epsilon);
    }
}
