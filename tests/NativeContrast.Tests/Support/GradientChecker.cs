namespace NativeContrast.Tests.Support;

/// <summary>
/// Central finite differences in float64 on <c>cpu</c>. The scalar under test is Σ y ⊙ w for a fixed
/// random w, so every output element's gradient path is exercised with a distinct weight.
/// </summary>
public static class GradientChecker
{
    public const double Step = 1e-6;

    /// <summary>Returns (analytic, numeric) gradients per input.</summary>
    public static (double[][] Analytic, double[][] Numeric) Compare(OpCase c, int seed)
    {
        var device = Device.Cpu;
        var values = c.Inputs(seed);
        double[]? weights = null;

        double Loss(double[][] inputs, bool backward, out double[][] grads)
        {
            using var scope = TensorScope.Begin();
            var tensors = inputs.Select((v, i) => Tensor.FromArray(v, c.Shapes[i], device, requiresGrad: backward)).ToArray();
            var y = c.Compute(tensors, device);
            weights ??= Enumerable.Range(0, y.Count).Select(i => Math.Sin(1.3 * i + seed) + 0.1).ToArray();
            var w = Tensor.FromArray(weights, y.Shape.ToArray(), device);
            var loss = (y * w).Sum();
            grads = [];
            if (backward)
            {
                loss.Backward();
                grads = tensors.Select(t => t.Grad?.ToDoubleArray() ?? new double[t.Count]).ToArray();
            }
            return loss.Item();
        }

        Loss(values, true, out var analytic);
        var numeric = values.Select(v => new double[v.Length]).ToArray();
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < values.Length; i++)
            {
                for (int j = 0; j < values[i].Length; j++)
                {
                    double original = values[i][j];
                    values[i][j] = original + Step;
                    double plus = Loss(values, false, out _);
                    values[i][j] = original - Step;
                    double minus = Loss(values, false, out _);
                    values[i][j] = original;
                    numeric[i][j] = (plus - minus) / (2 * Step);
                }
            }
        }
        return (analytic, numeric);
    }
}
