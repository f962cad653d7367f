namespace NativeContrast.Tests.Support;

/// <summary>
/// Every layer op as an <see cref="OpCase"/> (finite differences in float64, parity across backends):
/// convolution with stride, padding, bias and 1×1; pooling; batch norm in both modes; layer norm;
/// GELU; and a whole small network.
/// </summary>
public static class LayerCases
{
    private static Tensor Constant(Tensor like, int[] shape, Func<int, double> value)
    {
        var values = Enumerable.Range(0, shape.Aggregate(1, (p, d) => p * d)).Select(value).ToArray();
        return like.DType == DType.Float64
            ? Tensor.FromArray(values, shape, like.Device)
            : Tensor.FromArray(Array.ConvertAll(values, v => (float)v), shape, like.Device);
    }

    public static IEnumerable<OpCase> All()
    {
        yield return new OpCase("conv2d 3x3 pad 1 bias", [[2, 3, 5, 5], [4, 3, 3, 3], [4]], (x, _) => x[0].Conv2d(x[1], x[2], stride: 1, padding: 1));
        yield return new OpCase("conv2d 3x3 stride 2 no pad", [[2, 2, 7, 6], [3, 2, 3, 3]], (x, _) => x[0].Conv2d(x[1], null, stride: 2, padding: 0));
        yield return new OpCase("conv2d 3x3 stride 2 pad 1", [[1, 2, 6, 6], [2, 2, 3, 3]], (x, _) => x[0].Conv2d(x[1], null, stride: 2, padding: 1));
        yield return new OpCase("conv2d 1x1 pointwise", [[2, 3, 4, 4], [5, 3, 1, 1], [5]], (x, _) => x[0].Conv2d(x[1], x[2]));
        yield return new OpCase("conv2d 1x1 stride 2", [[2, 3, 5, 5], [2, 3, 1, 1]], (x, _) => x[0].Conv2d(x[1], null, stride: 2));
        yield return new OpCase("maxpool 2x2", [[2, 3, 4, 6]], (x, _) => x[0].MaxPool2d(2));
        yield return new OpCase("maxpool 3x3 stride 2 pad 1", [[1, 2, 5, 5]], (x, _) => x[0].MaxPool2d(3, 2, 1));
        yield return new OpCase("avgpool 2x2", [[2, 2, 4, 4]], (x, _) => x[0].AvgPool2d(2));
        yield return new OpCase("avgpool 3x3 stride 1 pad 1", [[1, 2, 4, 5]], (x, _) => x[0].AvgPool2d(3, 1, 1));
        yield return new OpCase("global avgpool", [[2, 3, 3, 4]], (x, _) => x[0].GlobalAvgPool2d());
        yield return new OpCase("batchnorm2d train", [[3, 2, 3, 3], [2], [2]], (x, _) =>
            x[0].BatchNorm(x[1], x[2], Constant(x[0], [2], _ => 0), Constant(x[0], [2], _ => 1), training: true));
        yield return new OpCase("batchnorm2d eval", [[2, 3, 2, 2], [3], [3]], (x, _) =>
            x[0].BatchNorm(x[1], x[2], Constant(x[0], [3], c => 0.1 * c - 0.1), Constant(x[0], [3], c => 0.5 + c), training: false));
        yield return new OpCase("batchnorm2d relu train", [[3, 2, 3, 3], [2], [2]], (x, _) =>
            x[0].BatchNormRelu(x[1], x[2], Constant(x[0], [2], _ => 0), Constant(x[0], [2], _ => 1), training: true));
        yield return new OpCase("batchnorm2d relu eval", [[2, 3, 2, 2], [3], [3]], (x, _) =>
            x[0].BatchNormRelu(x[1], x[2], Constant(x[0], [3], c => 0.1 * c - 0.1), Constant(x[0], [3], c => 0.5 + c), training: false));
        yield return new OpCase("batchnorm1d relu train", [[5, 4], [4], [4]], (x, _) =>
            x[0].BatchNormRelu(x[1], x[2], Constant(x[0], [4], _ => 0), Constant(x[0], [4], _ => 1), training: true));
        yield return new OpCase("batchnorm1d train", [[5, 4], [4], [4]], (x, _) =>
            x[0].BatchNorm(x[1], x[2], Constant(x[0], [4], _ => 0), Constant(x[0], [4], _ => 1), training: true));
        yield return new OpCase("layernorm", [[3, 2, 5], [5], [5]], (x, _) => x[0].LayerNorm(x[1], x[2]));
        yield return new OpCase("gelu", [[3, 7]], (x, _) => x[0].Gelu());
        yield return new OpCase("small network", [[4, 1, 6, 6], [3, 1, 3, 3], [3], [3], [2, 3]], (x, _) =>
        {
            var h = x[0].Conv2d(x[1], null, stride: 1, padding: 1)
                .BatchNorm(x[2], x[3], Constant(x[0], [3], _ => 0), Constant(x[0], [3], _ => 1), training: true)
                .Relu().MaxPool2d(2).GlobalAvgPool2d();
            return Tensor.Matmul(h, x[4], transposeB: true).Gelu();
        });
    }
}
