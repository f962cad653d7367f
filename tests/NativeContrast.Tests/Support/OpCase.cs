namespace NativeContrast.Tests.Support;

/// <summary>
/// One op under test: input shapes and domains, and the computation (device given for index/label
/// tensors). Gradient checks and backend parity tests run every case.
/// </summary>
public sealed record OpCase(string Name, int[][] Shapes, Domain[] Domains, Func<Tensor[], Device, Tensor> Compute)
{
    public OpCase(string name, int[][] shapes, Func<Tensor[], Device, Tensor> compute)
        : this(name, shapes, shapes.Select(_ => Domain.Normal).ToArray(), compute)
    {
    }

    public override string ToString() => Name;

    /// <summary>Deterministic input values for this case and seed.</summary>
    public double[][] Inputs(int seed)
    {
        var rng = new Random(seed * 7919 + Name.Sum(ch => ch));
        return Shapes.Select((shape, i) =>
        {
            int count = shape.Aggregate(1, (p, d) => p * d);
            return Enumerable.Range(0, count).Select(_ => Domains[i] == Domain.Positive
                ? 0.5 + 1.5 * rng.NextDouble()
                : 2 * rng.NextDouble() - 1).ToArray();
        }).ToArray();
    }
}
