using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// One set's rows as a contrastive kernel reads them: <see cref="Values"/> [rows, D], each row multiplied
/// on load by <see cref="Scale"/>[row] when <see cref="Scaled"/> ≠ 0 (1/max(‖x‖, ε) for a normalizing loss:
/// the kernels see y = x/‖x‖ without y being stored). When 0, <see cref="Scale"/> is never read.
/// </summary>
public struct ScaledRows
{
    /// <summary>The rows, and one scale per row (1/‖x‖ when normalized).</summary>
    public ArrayView<float> Values, Scale;
    /// <summary>1 when rows are multiplied by their scale as they are read, 0 when they are used as they are.</summary>
    public int Scaled;

    /// <summary>The factor of row <paramref name="row"/> (1 when unscaled).</summary>
    public readonly float RowScale(int row) => Scaled != 0 ? Scale[row] : 1f;

    /// <summary>The factor of row <paramref name="row"/>, or 0 at or past <paramref name="count"/>.</summary>
    public readonly float RowScaleOrZero(int row, int count) => row < count ? RowScale(row) : 0f;

    /// <summary>
    /// Element (row, dim) as stored, without the row's factor: for kernels that apply the factors to the products instead,
    /// (x_a·x_b)·s_a·s_b, two multiplies per product rather than one per element staged (and no load of the factor per element).
    /// </summary>
    public readonly float LoadRaw(int row, int dim, int d) => Values[row * d + dim];

    /// <summary>Element (row, dim) of the scaled rows, d = the row length.</summary>
    public readonly float Load(int row, int dim, int d) => Scaled != 0 ? Values[row * d + dim] * Scale[row] : Values[row * d + dim];
}
