namespace NativeContrast.Kernels;

/// <summary>
/// A 4×4 block of a product held by one thread in registers: row i, column j is <c>Ri.{X,Y,Z,W}[j]</c>.
/// The tiled kernels build their register-blocked products out of it (see ContrastiveKernels variant 2).
/// </summary>
public struct MicroTile
{
    /// <summary>The tile's four rows of four.</summary>
    public Float4 R0, R1, R2, R3;

    /// <summary>this += a ⊗ b (the outer product of a column of A and a row of B: 16 FMAs).</summary>
    public void AddOuter(Float4 a, Float4 b)
    {
        R0 = Fma(R0, a.X, b);
        R1 = Fma(R1, a.Y, b);
        R2 = Fma(R2, a.Z, b);
        R3 = Fma(R3, a.W, b);
    }

    /// <summary>Row <paramref name="i"/> (0–3): a chain of selects, which folds away where i is a constant.</summary>
    public readonly Float4 Row(int i) => i == 0 ? R0 : i == 1 ? R1 : i == 2 ? R2 : R3;

    private static Float4 Fma(Float4 acc, float a, Float4 b) =>
        new(acc.X + a * b.X, acc.Y + a * b.Y, acc.Z + a * b.Z, acc.W + a * b.W);
}
