namespace NativeContrast.Tests.Support;

/// <summary>Every primitive op, every loss (<see cref="LossCases"/>) and every layer op (<see cref="LayerCases"/>), with broadcasting, axes and transposes covered. Shapes are small for finite differences.</summary>
public static class OpCases
{
    private static readonly Domain N = Domain.Normal;
    private static readonly Domain P = Domain.Positive;

    public static IEnumerable<OpCase> All()
    {
        yield return new OpCase("add same shape", [[3, 4], [3, 4]], (x, _) => x[0] + x[1]);
        yield return new OpCase("add broadcast row", [[3, 4], [4]], (x, _) => x[0] + x[1]);
        yield return new OpCase("add broadcast both", [[2, 1, 3], [4, 1]], (x, _) => x[0] + x[1]);
        yield return new OpCase("sub broadcast", [[3, 1], [2, 3, 4]], (x, _) => x[0] - x[1]);
        yield return new OpCase("mul broadcast", [[2, 3, 4], [3, 1]], (x, _) => x[0] * x[1]);
        yield return new OpCase("div broadcast", [[2, 3], [1, 3]], [N, P], (x, _) => x[0] / x[1]);
        yield return new OpCase("div same shape", [[5], [5]], [N, P], (x, _) => x[0] / x[1]);
        yield return new OpCase("neg", [[3, 2]], (x, _) => -x[0]);
        yield return new OpCase("scale shift", [[3, 2]], (x, _) => x[0] * 2.5 + 0.75);
        yield return new OpCase("exp", [[3, 4]], (x, _) => x[0].Exp());
        yield return new OpCase("log", [[3, 4]], [P], (x, _) => x[0].Log());
        yield return new OpCase("sqrt", [[3, 4]], [P], (x, _) => x[0].Sqrt());
        yield return new OpCase("pow integer", [[3, 4]], (x, _) => x[0].Pow(3));
        yield return new OpCase("pow fractional", [[3, 4]], [P], (x, _) => x[0].Pow(1.5));
        yield return new OpCase("abs", [[3, 4]], (x, _) => x[0].Abs());
        yield return new OpCase("relu", [[3, 4]], (x, _) => x[0].Relu());
        yield return new OpCase("clamp", [[4, 5]], (x, _) => x[0].Clamp(-0.4, 0.3));
        yield return new OpCase("sum all", [[2, 3, 4]], (x, _) => x[0].Sum());
        yield return new OpCase("sum axis 1", [[2, 3, 4]], (x, _) => x[0].Sum(1));
        yield return new OpCase("sum axes 0 2 keepdims", [[2, 3, 4]], (x, _) => x[0].Sum([0, 2], keepDims: true));
        yield return new OpCase("mean axis -1", [[2, 3, 4]], (x, _) => x[0].Mean(-1));
        yield return new OpCase("mean all", [[3, 5]], (x, _) => x[0].Mean());
        yield return new OpCase("max axis 1", [[2, 5, 3]], (x, _) => x[0].Max(1));
        yield return new OpCase("max axis 0 keepdims", [[4, 3]], (x, _) => x[0].Max(0, keepDims: true));
        yield return new OpCase("max all", [[3, 4]], (x, _) => x[0].Max());
        yield return new OpCase("matmul", [[3, 4], [4, 5]], (x, _) => Tensor.Matmul(x[0], x[1]));
        yield return new OpCase("matmul A^T", [[4, 3], [4, 5]], (x, _) => Tensor.Matmul(x[0], x[1], transposeA: true));
        yield return new OpCase("matmul B^T", [[3, 4], [5, 4]], (x, _) => Tensor.Matmul(x[0], x[1], transposeB: true));
        yield return new OpCase("matmul A^T B^T", [[4, 3], [5, 4]], (x, _) => Tensor.Matmul(x[0], x[1], true, true));
        yield return new OpCase("matmul batched", [[2, 3, 4], [2, 4, 5]], (x, _) => Tensor.Matmul(x[0], x[1]));
        yield return new OpCase("matmul batched x shared", [[2, 3, 4], [4, 5]], (x, _) => Tensor.Matmul(x[0], x[1]));
        yield return new OpCase("matmul shared x batched B^T", [[3, 4], [2, 5, 4]], (x, _) => Tensor.Matmul(x[0], x[1], transposeB: true));
        yield return new OpCase("matmul batched A^T", [[2, 4, 3], [2, 4, 5]], (x, _) => Tensor.Matmul(x[0], x[1], transposeA: true));
        yield return new OpCase("reshape", [[2, 6]], (x, _) => x[0].Reshape(3, -1) * x[0].Reshape(3, 4));
        yield return new OpCase("transpose last two", [[2, 3, 4]], (x, _) => x[0].Transpose());
        yield return new OpCase("transpose 0 2", [[2, 3, 4]], (x, _) => x[0].Transpose(0, 2));
        yield return new OpCase("concat axis 1", [[2, 3], [2, 1], [2, 2]], (x, _) => Tensor.Concat(x, axis: 1));
        yield return new OpCase("concat axis 0", [[2, 3], [1, 3]], (x, _) => Tensor.Concat(x, axis: 0));
        yield return new OpCase("slice rows", [[5, 3]], (x, _) => x[0].Rows(1, 3));
        yield return new OpCase("slice axis 1", [[2, 5, 3]], (x, _) => x[0].Slice(1, 2, 2));
        yield return new OpCase("gather axis 0 repeats", [[4, 3]], (x, d) => x[0].Gather(0, Tensor.FromArray([3, 0, 3, 1], [4], d)));
        yield return new OpCase("gather axis 1", [[2, 4, 3]], (x, d) => x[0].Gather(1, Tensor.FromArray([2, 2, 0], [3], d)));
        yield return new OpCase("expand", [[3, 1]], (x, _) => x[0].Expand(2, 3, 4));
        yield return new OpCase("l2 normalize rows", [[4, 5]], (x, _) => x[0].L2NormalizeRows());
        yield return new OpCase("log softmax", [[2, 3, 5]], (x, _) => x[0].LogSoftmax());
        yield return new OpCase("cross entropy", [[4, 5]], (x, d) => Tensor.CrossEntropy(x[0], Tensor.FromArray([1, 0, 4, 1], [4], d)));
        yield return new OpCase("composite mlp", [[4, 3], [3, 5], [5]], (x, d) =>
            Tensor.CrossEntropy((Tensor.Matmul(x[0], x[1]) + x[2]).Relu(), Tensor.FromArray([0, 4, 2, 2], [4], d)));
        foreach (var loss in LossCases.All()) yield return loss;
        foreach (var layer in LayerCases.All()) yield return layer;
    }
}
