using NativeContrast.Optim;

namespace NativeContrast.Tests.Optim;

/// <summary>L-BFGS on functions whose minimum is known.</summary>
public class LbfgsTests
{
    [Test]
    public void Rosenbrock_ReachesItsMinimum()
    {
        // f(a, b) = (1 − a)² + 100(b − a²)², minimum 0 at (1, 1): a curved valley steepest descent crawls along.
        static double Rosenbrock(double[] x, double[] g)
        {
            double a = x[0], b = x[1];
            g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
            g[1] = 200 * (b - a * a);
            return (1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a);
        }
        var x = new[] { -1.2, 1.0 };
        var (iterations, value) = Lbfgs.Minimize(Rosenbrock, x, maxIterations: 200, gradientTolerance: 1e-8);
        Assert.That(x[0], Is.EqualTo(1).Within(1e-6));
        Assert.That(x[1], Is.EqualTo(1).Within(1e-6));
        Assert.That(value, Is.LessThan(1e-12));
        Assert.That(iterations, Is.LessThan(100), "L-BFGS should need far fewer steps than gradient descent here");
    }

    [Test]
    public void IllConditionedQuadratic_ConvergesInFewSteps()
    {
        // f(x) = ½ Σ cᵢ (xᵢ − i)², curvatures from 1 to 100: steepest descent with exact steps would need hundreds of
        // iterations for this accuracy; the curvature pairs must be used.
        const int n = 20;
        double Quadratic(double[] x, double[] g)
        {
            double f = 0;
            for (int i = 0; i < n; i++)
            {
                double c = Math.Pow(10, 2.0 * i / (n - 1));
                g[i] = c * (x[i] - i);
                f += 0.5 * c * (x[i] - i) * (x[i] - i);
            }
            return f;
        }
        var x = new double[n];
        var (iterations, _) = Lbfgs.Minimize(Quadratic, x, maxIterations: 500, gradientTolerance: 1e-6);
        for (int i = 0; i < n; i++) Assert.That(x[i], Is.EqualTo(i).Within(1e-5), $"component {i}");
        Assert.That(iterations, Is.LessThan(100));
    }

    [Test]
    public void StopsAtTheIterationLimit_AndRejectsABadStart()
    {
        var x = new[] { 5.0 };
        var (iterations, _) = Lbfgs.Minimize((p, g) => { g[0] = 2 * p[0] + Math.Exp(p[0]); return p[0] * p[0] + Math.Exp(p[0]); }, x, maxIterations: 2);
        Assert.That(iterations, Is.EqualTo(2));
        Assert.Throws<ArgumentException>(() => Lbfgs.Minimize((p, g) => double.NaN, [0.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Lbfgs.Minimize((p, g) => 0, [0.0], maxIterations: -1));
    }
}
