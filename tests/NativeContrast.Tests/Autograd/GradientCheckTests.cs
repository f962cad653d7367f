using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Autograd;

/// <summary>Every op's backward against central finite differences in float64, several seeds.</summary>
[Parallelizable(ParallelScope.All)]
public class GradientCheckTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from c in OpCases.All()
        from seed in new[] { 1, 2, 3 }
        select new TestCaseData(c, seed).SetName($"Backward_MatchesFiniteDifferences({c.Name}, seed {seed})");

    [TestCaseSource(nameof(Cases))]
    public void Backward_MatchesFiniteDifferences(OpCase c, int seed)
    {
        var (analytic, numeric) = GradientChecker.Compare(c, seed);
        for (int i = 0; i < analytic.Length; i++)
            Close.Assert(analytic[i], numeric[i], atol: 1e-6, rtol: 1e-5, $"{c.Name}: gradient of input {i}");
    }

    [Test]
    public void GradientChecker_DetectsAWrongGradient()
    {
        // A deliberately wrong "op": y = x·x computed with the gradient cut on one factor (Detach),
        // so the analytic gradient is x, the numeric one 2x: the checker must see the difference.
        var broken = new OpCase("broken", [[4]], (x, _) => x[0] * x[0].Detach());
        var (analytic, numeric) = GradientChecker.Compare(broken, 1);
        Assert.Throws<AssertionException>(() => Close.Assert(analytic[0], numeric[0], 1e-6, 1e-5, "broken"));
    }
}
