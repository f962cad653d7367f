namespace NativeContrast.Nn;

/// <summary>Parameter initialization, as PyTorch does it, from a seeded generator.</summary>
internal static class Init
{
    /// <summary>U(−b, b) with b = 1/√fanIn: PyTorch's default for Linear and Conv2d weights and biases (kaiming_uniform with a = √5).</summary>
    public static Tensor Uniform(int[] shape, int fanIn, Random rng, Device device, DType dtype)
    {
        double bound = 1.0 / Math.Sqrt(Math.Max(1, fanIn));
        var values = new double[Shapes.Count(shape)];
        for (int i = 0; i < values.Length; i++) values[i] = (2 * rng.NextDouble() - 1) * bound;
        return Tensor.Persistent(values, shape, device, dtype);
    }

    /// <summary>N(0, 2/fanOut): Kaiming-normal, fan-out mode, for ReLU networks (torchvision's ResNet convolutions).</summary>
    public static Tensor KaimingNormal(int[] shape, int fanOut, Random rng, Device device, DType dtype)
    {
        double std = Math.Sqrt(2.0 / Math.Max(1, fanOut));
        var values = new double[Shapes.Count(shape)];
        for (int i = 0; i < values.Length; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            values[i] = std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
        return Tensor.Persistent(values, shape, device, dtype);
    }

    public static Tensor Constant(int[] shape, double value, Device device, DType dtype) =>
        Tensor.Persistent(Enumerable.Repeat(value, Shapes.Count(shape)).ToArray(), shape, device, dtype);
}
