using NativeContrast.Autograd;

namespace NativeContrast.Ops;

/// <summary>
/// Mean cross-entropy of [rows, classes] logits against int32 class indices, fused:
/// L = (1/rows) Σ_i (LSE(x_i) − x_i[label_i]). Saves the per-row LSE (rows floats) for backward.
/// </summary>
internal sealed class CrossEntropyOp : AutogradNode
{
    private readonly Tensor labels;
    private readonly Tensor lse;

    private CrossEntropyOp(Tensor logits, Tensor labels, Tensor lse) : base(logits)
    {
        this.labels = labels;
        this.lse = lse;
    }

    public static Tensor Forward(Tensor logits, Tensor labels)
    {
        Tensor.CheckFloating("CrossEntropy", logits);
        if (logits.Rank != 2)
            throw new ArgumentException($"CrossEntropy needs [rows, classes] logits; got {Shapes.Format(logits.ShapeArray)}.", nameof(logits));
        int rows = logits.ShapeArray[0], classes = logits.ShapeArray[1];
        if (labels.DType != DType.Int32 || labels.Rank != 1 || labels.Count != rows)
            throw new ArgumentException($"CrossEntropy: labels must be a 1-D Int32 tensor of length {rows}; got {labels.DType} of shape {Shapes.Format(labels.ShapeArray)}.", nameof(labels));
        if (!ReferenceEquals(labels.Device, logits.Device))
            throw new ArgumentException($"CrossEntropy: tensors are on different devices: logits on '{logits.Device.Name}' and labels on '{labels.Device.Name}'.", nameof(labels));
        if (rows == 0) throw new ArgumentException("CrossEntropy: the batch is empty.", nameof(logits));
        foreach (var label in labels.ToIntArray())
            if (label < 0 || label >= classes)
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"CrossEntropy: label {label} is outside [0, {classes}).");
        var lossRows = Tensor.Empty([rows], logits.Device, logits.DType);
        var lse = Tensor.Empty([rows], logits.Device, logits.DType);
        logits.Backend.CrossEntropy(logits.Data, labels.Data, lossRows.Data, lse.Data, rows, classes);
        var sum = SumOp.Compute(lossRows, [], keepDims: false);
        lossRows.Dispose();
        var mean = Elementwise.Unary("CrossEntropy", sum, new Kernels.Ops.ScaleShiftFunction { Scale = 1.0 / rows });
        sum.Dispose();
        return Record(mean, () => new CrossEntropyOp(logits, labels, lse), logits);
    }

    // ∂L/∂x_ij = (1/rows)(softmax_ij − [j = label_i]), softmax_ij = exp(x_ij − LSE_i); times the upstream g.
    public override Tensor?[] Backward(Tensor g)
    {
        var x = Inputs[0];
        int rows = x.ShapeArray[0], classes = x.ShapeArray[1];
        var dx = Tensor.Empty(x.ShapeArray, x.Device, x.DType);
        x.Backend.CrossEntropyBackward(x.Data, labels.Data, lse.Data, g.Data, dx.Data, rows, classes, 1.0 / rows);
        return [dx];
    }
}
