namespace NativeContrast.Optim;

/// <summary>
/// Limited-memory BFGS (Nocedal and Wright, Algorithm 7.4/7.5) for a smooth function of a small vector held in
/// <c>double[]</c>, such as the linear probe's logistic regression: the last <see cref="Memory"/> steps s = x' − x and
/// gradient changes y = g' − g give the search direction d = −H·g by the two-loop recursion, with H₀ = (s·y / y·y)·I;
/// a backtracking line search takes the first step t ∈ {1, ½, ¼, …} with f(x + t·d) ≤ f(x) + 10⁻⁴·t·(g·d) (Armijo). A
/// pair with s·y ≤ 10⁻¹⁰·|s|·|y| is not stored, so H stays positive definite.
/// </summary>
public static class Lbfgs
{
    /// <summary>How many (s, y) pairs the inverse-Hessian estimate keeps.</summary>
    public const int Memory = 10;

    /// <summary>
    /// Minimizes f from <paramref name="x"/> (updated in place). <paramref name="valueAndGradient"/> returns f(x) and writes
    /// ∇f(x) into its second argument. Stops when the largest gradient component is at most
    /// <paramref name="gradientTolerance"/>, when a step lowers f by less than 10⁻¹² relative, when no step along d lowers
    /// f, or after <paramref name="maxIterations"/> iterations. Returns the iterations taken and the final f.
    /// </summary>
    public static (int Iterations, double Value) Minimize(Func<double[], double[], double> valueAndGradient, double[] x, int maxIterations = 500,
        double gradientTolerance = 1e-6, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(valueAndGradient);
        ArgumentNullException.ThrowIfNull(x);
        if (maxIterations < 0) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "L-BFGS needs a non-negative iteration limit.");
        int n = x.Length;
        var g = new double[n];
        double f = valueAndGradient(x, g);
        if (!double.IsFinite(f)) throw new ArgumentException($"L-BFGS: the function is not finite at the starting point ({f}).", nameof(x));
        var s = new double[Memory][];
        var y = new double[Memory][];
        var rho = new double[Memory];
        var alpha = new double[Memory];
        int stored = 0, newest = -1;
        var d = new double[n];
        var trial = new double[n];
        var trialGradient = new double[n];
        var newS = new double[n];
        var newY = new double[n];
        int iteration = 0;
        for (; iteration < maxIterations; iteration++)
        {
            cancel.ThrowIfCancellationRequested();
            if (MaxAbs(g) <= gradientTolerance) break;
            Direction(g, s, y, rho, alpha, stored, newest, d);
            double slope = Dot(g, d);
            if (slope >= 0)
            {
                // Not a descent direction (rounding in H): restart from steepest descent.
                stored = 0;
                for (int i = 0; i < n; i++) d[i] = -g[i];
                slope = Dot(g, d);
            }
            // The first step has no curvature estimate: scale it to a unit move.
            double step = stored == 0 ? Math.Min(1, 1 / Math.Sqrt(-slope)) : 1;
            double trialValue = double.NaN;
            bool accepted = false;
            for (int halving = 0; halving < 40; halving++, step *= 0.5)
            {
                for (int i = 0; i < n; i++) trial[i] = x[i] + step * d[i];
                trialValue = valueAndGradient(trial, trialGradient);
                if (double.IsFinite(trialValue) && trialValue <= f + 1e-4 * step * slope)
                {
                    accepted = true;
                    break;
                }
            }
            if (!accepted) break;
            for (int i = 0; i < n; i++)
            {
                newS[i] = trial[i] - x[i];
                newY[i] = trialGradient[i] - g[i];
            }
            double sy = Dot(newS, newY);
            if (sy > 1e-10 * Math.Sqrt(Dot(newS, newS) * Dot(newY, newY)))
            {
                newest = (newest + 1) % Memory;
                (s[newest], newS) = (newS, s[newest] ?? new double[n]);
                (y[newest], newY) = (newY, y[newest] ?? new double[n]);
                rho[newest] = 1 / sy;
                stored = Math.Min(stored + 1, Memory);
            }
            double decrease = f - trialValue;
            Array.Copy(trial, x, n);
            Array.Copy(trialGradient, g, n);
            f = trialValue;
            if (decrease <= 1e-12 * Math.Max(1, Math.Abs(f))) { iteration++; break; }
        }
        return (iteration, f);
    }

    /// <summary>d = −H·g by the two-loop recursion over the stored pairs, newest first.</summary>
    private static void Direction(double[] g, double[][] s, double[][] y, double[] rho, double[] alpha, int stored, int newest, double[] d)
    {
        for (int i = 0; i < g.Length; i++) d[i] = -g[i];
        for (int k = 0; k < stored; k++)
        {
            int j = (newest - k + Memory) % Memory;
            alpha[j] = rho[j] * Dot(s[j], d);
            Axpy(-alpha[j], y[j], d);
        }
        if (stored > 0)
        {
            double gamma = 1 / (rho[newest] * Dot(y[newest], y[newest]));
            for (int i = 0; i < d.Length; i++) d[i] *= gamma;
        }
        for (int k = stored - 1; k >= 0; k--)
        {
            int j = (newest - k + Memory) % Memory;
            double beta = rho[j] * Dot(y[j], d);
            Axpy(alpha[j] - beta, s[j], d);
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += a * x[i];
    }

    private static double MaxAbs(double[] a)
    {
        double max = 0;
        foreach (double v in a) max = Math.Max(max, Math.Abs(v));
        return max;
    }
}
