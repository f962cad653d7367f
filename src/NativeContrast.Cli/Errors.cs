namespace NativeContrast.Cli;

/// <summary>How far a result is from its reference, as the check commands report it.</summary>
internal static class Errors
{
    /// <summary>max |a − b| / max |b| (infinite when the lengths differ, NaN when a value is NaN).</summary>
    public static double Relative(double[] actual, double[] expected)
    {
        if (actual.Length != expected.Length) return double.PositiveInfinity;
        double diff = 0, scale = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(d)) return double.NaN;
            diff = Math.Max(diff, d);
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return diff / Math.Max(scale, 1e-30);
    }
}
