namespace NativeContrast.Kernels;

/// <summary>Distances for triplet mining, from a Gram entry g = a·b and the squared norms |a|², |b|².</summary>
public static class TripletDistance
{
    /// <summary>The distance codes the kernels take.</summary>
    public const int Euclidean = 0, Squared = 1, Cosine = 2;

    /// <summary>
    /// Euclidean √max(|a|² + |b|² − 2g, 0); squared: the same without the root; cosine: 1 − g/(|a||b|).
    /// Mining only needs the order, and Euclidean and squared order alike.
    /// </summary>
    public static float FromGram(float g, float squaredNormA, float squaredNormB, int distance)
    {
        if (distance == Cosine) return 1f - g / MathF.Sqrt(squaredNormA * squaredNormB);
        float squared = MathF.Max(squaredNormA + squaredNormB - 2f * g, 0f);
        return distance == Squared ? squared : MathF.Sqrt(squared);
    }

    /// <inheritdoc cref="FromGram(float, float, float, int)"/>
    public static double FromGram(double g, double squaredNormA, double squaredNormB, int distance)
    {
        if (distance == Cosine) return 1.0 - g / Math.Sqrt(squaredNormA * squaredNormB);
        double squared = Math.Max(squaredNormA + squaredNormB - 2.0 * g, 0.0);
        return distance == Squared ? squared : Math.Sqrt(squared);
    }
}
