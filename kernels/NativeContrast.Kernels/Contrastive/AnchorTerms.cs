using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// The <see cref="SoftmaxTerm"/>s of a thread's four anchors (rows firstRow … firstRow + 3) in the tiled gradient kernels
/// (variants 2 and 4), loaded once before the candidates stream. A's keys are read only by the row term and by label
/// matching: without a row term, in index mode, anchorSide.Keys may be another set's.
/// </summary>
public struct AnchorTerms
{
    /// <summary>The terms of the four anchor rows a thread handles.</summary>
    public SoftmaxTerm R0, R1, R2, R3;

    /// <summary>The terms of rows <paramref name="firstRow"/> … + 3 of <paramref name="side"/> (rows past the end are empty).</summary>
    public static AnchorTerms Load(ViewSide side, int firstRow, ContrastiveShape shape)
    {
        bool rowTerm = shape.HasRowTerm != 0, readKey = rowTerm || shape.ByLabel != 0;
        return new AnchorTerms
        {
            R0 = SoftmaxTerm.Load(side, firstRow, shape.RowsA, readKey, rowTerm),
            R1 = SoftmaxTerm.Load(side, firstRow + 1, shape.RowsA, readKey, rowTerm),
            R2 = SoftmaxTerm.Load(side, firstRow + 2, shape.RowsA, readKey, rowTerm),
            R3 = SoftmaxTerm.Load(side, firstRow + 3, shape.RowsA, readKey, rowTerm),
        };
    }
}
