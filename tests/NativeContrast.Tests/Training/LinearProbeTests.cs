using NativeContrast.Evaluation;
using NativeContrast.IO;
using NativeContrast.Optim;

namespace NativeContrast.Tests.Training;

/// <summary>
/// The linear probe: its objective's gradient against finite differences, its optimum against PyTorch's
/// (Fixtures/probe/make_probe_fixture.py), and how it chooses the penalty.
/// </summary>
public class LinearProbeTests
{
    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "probe", name);

    /// <summary>Gaussian classes around random centres, overlapping (noise 1.5): n rows of dim values.</summary>
    private static (float[] X, int[] Y) Blobs(int n, int dim, int classes, int seed)
    {
        var rng = new Random(seed);
        var centres = Enumerable.Range(0, classes * dim).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var x = new float[n * dim];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = rng.Next(classes);
            for (int k = 0; k < dim; k++) x[i * dim + k] = (float)(centres[y[i] * dim + k] + 1.5 * (rng.NextDouble() - 0.5));
        }
        return (x, y);
    }

    [Test]
    public void Gradient_MatchesFiniteDifferences()
    {
        // dim 13: the eight-wide vector loops and their scalar tails both run; 5 classes: a group of four and one of one.
        const int n = 300, dim = 13, classes = 5;
        var (x, y) = Blobs(n, dim, classes, 3);
        var rows = Enumerable.Range(0, n).Where(i => i % 3 != 1).ToArray();
        var objective = new SoftmaxRegression(x, y, rows, dim, classes, penalty: 0.05);
        var rng = new Random(4);
        var parameters = Enumerable.Range(0, objective.ParameterCount).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var gradient = new double[parameters.Length];
        objective.ValueAndGradient(parameters, gradient);
        var scratch = new double[parameters.Length];
        const double h = 1e-2;
        for (int k = 0; k < parameters.Length; k++)
        {
            double saved = parameters[k];
            parameters[k] = saved + h;
            double plus = objective.ValueAndGradient(parameters, scratch);
            parameters[k] = saved - h;
            double minus = objective.ValueAndGradient(parameters, scratch);
            parameters[k] = saved;
            Assert.That(gradient[k], Is.EqualTo((plus - minus) / (2 * h)).Within(2e-5 + 1e-3 * Math.Abs(gradient[k])), $"parameter {k}");
        }
    }

    [Test]
    public void Optimum_MatchesPyTorch()
    {
        var x = NpyFile.Read(Fixture("x.npy")).ToFloatArray();
        var y = NpyFile.Read(Fixture("y.npy")).ToIntArray("labels");
        var weight = NpyFile.Read(Fixture("weight.npy")).ToDoubleArray();
        var bias = NpyFile.Read(Fixture("bias.npy")).ToDoubleArray();
        double value = NpyFile.Read(Fixture("value.npy")).ToDoubleArray()[0];
        int classes = bias.Length, dim = weight.Length / classes;
        var objective = new SoftmaxRegression(x, y, Enumerable.Range(0, y.Length).ToArray(), dim, classes, penalty: 0.01);
        var parameters = new double[objective.ParameterCount];
        var (_, ours) = Lbfgs.Minimize(objective.ValueAndGradient, parameters, maxIterations: 500, gradientTolerance: 1e-7);
        Assert.That(ours, Is.EqualTo(value).Within(1e-6 * value));
        for (int k = 0; k < weight.Length; k++) Assert.That(parameters[k], Is.EqualTo(weight[k]).Within(1e-4), $"weight {k}");
        // The biases are defined up to a common shift (softmax ignores it): compare them centred.
        double ourMean = parameters.Skip(weight.Length).Average(), theirMean = bias.Average();
        for (int c = 0; c < classes; c++) Assert.That(parameters[weight.Length + c] - ourMean, Is.EqualTo(bias[c] - theirMean).Within(1e-4), $"bias {c}");
    }

    [Test]
    public void Fit_ChoosesThePenaltyTheHeldOutRowsScoreBest()
    {
        var (x, y) = Blobs(900, 40, 4, 5);
        var (train, trainY, test, testY) = (x[..(600 * 40)], y[..600], x[(600 * 40)..], y[600..]);
        var result = LinearProbe.Fit(train, trainY, test, testY, 40, 4);
        Assert.That(result.HeldOutAccuracies, Has.Count.EqualTo(LinearProbe.Penalties.Count));
        int best = result.HeldOutAccuracies.ToList().IndexOf(result.HeldOutAccuracies.Max());
        Assert.That(result.Penalty, Is.EqualTo(LinearProbe.Penalties[best]), "the first penalty with the best held-out accuracy");
        Assert.That(result.Accuracy, Is.GreaterThan(0.8).And.LessThanOrEqualTo(1.0));
        Assert.That(LinearProbe.Fit(train, trainY, test, testY, 40, 4), Is.EqualTo(result).Using<LinearProbeResult>((a, b) =>
            a.Accuracy == b.Accuracy && a.Penalty == b.Penalty && a.HeldOutAccuracies.SequenceEqual(b.HeldOutAccuracies)), "deterministic");
    }

    [Test]
    public void Fit_OnAFewRows_UsesTheDefaultPenalty_AndBadInputIsNamed()
    {
        var (train, trainY) = Blobs(LinearProbe.MinimumRowsToChoose - 1, 3, 2, 7);
        var result = LinearProbe.Fit(train, trainY, train, trainY, 3, 2);
        Assert.That(result.Penalty, Is.EqualTo(LinearProbe.DefaultPenalty));
        Assert.That(result.HeldOutAccuracies, Is.Empty);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => LinearProbe.Fit(train, trainY.Select(_ => 2).ToArray(), train, trainY, 3, 2));
        Assert.That(error!.Message, Does.Contain("[0, 2)"));
        Assert.Throws<ArgumentException>(() => LinearProbe.Fit(train, trainY, train[..^1], trainY, 3, 2));
    }
}
