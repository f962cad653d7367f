using System.Text;

namespace NativeContrast.Tests.Support;

/// <summary>Element-wise comparison with |a − b| ≤ atol + rtol·|b|, reporting the first few mismatches.</summary>
public static class Close
{
    public static void Assert(double[] actual, double[] expected, double atol, double rtol, string what)
    {
        NUnit.Framework.Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: length");
        var report = new StringBuilder();
        int bad = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(actual[i]) != double.IsNaN(expected[i]) || diff > atol + rtol * Math.Abs(expected[i]))
            {
                if (bad++ < 5) report.AppendLine($"  [{i}] got {actual[i]:G9}, expected {expected[i]:G9} (diff {diff:G3})");
            }
        }
        if (bad > 0) NUnit.Framework.Assert.Fail($"{what}: {bad} of {actual.Length} elements differ (atol {atol}, rtol {rtol}):\n{report}");
    }

    public static void Assert(float[] actual, float[] expected, double atol, double rtol, string what) =>
        Assert(Array.ConvertAll(actual, v => (double)v), Array.ConvertAll(expected, v => (double)v), atol, rtol, what);
}
