using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>How a kernel reads <see cref="ScaledRows{TValues}"/> of ILGPU views: a row's factor and its elements.</summary>
public static class ScaledRowReads
{
    /// <summary>The factor of row <paramref name="row"/> (1 when unscaled).</summary>
    public static float RowScale(this ViewRows rows, int row) => rows.Scaled != 0 ? rows.Scale[row] : 1f;

    /// <summary>The factor of row <paramref name="row"/>, or 0 at or past <paramref name="count"/>.</summary>
    public static float RowScaleOrZero(this ViewRows rows, int row, int count) => row < count ? rows.RowScale(row) : 0f;

    /// <summary>
    /// Element (row, dim) as stored, without the row's factor: for kernels that apply the factors to the products instead,
    /// (x_a·x_b)·s_a·s_b, two multiplies per product rather than one per element staged (and no load of the factor per element).
    /// </summary>
    public static float LoadRaw(this ViewRows rows, int row, int dim, int d) => rows.Values[row * d + dim];

    /// <summary>Element (row, dim) of the scaled rows, d = the row length.</summary>
    public static float Load(this ViewRows rows, int row, int dim, int d) =>
        rows.Scaled != 0 ? rows.Values[row * d + dim] * rows.Scale[row] : rows.Values[row * d + dim];
}
