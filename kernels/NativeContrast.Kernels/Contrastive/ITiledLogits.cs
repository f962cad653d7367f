using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// How a tiled row-statistics kernel (variants 2 and 4) gets a thread's 4×4 block of logits S = a·b·s_a·s_b/τ for its
/// anchors firstRow … + 3: the shared-memory staging behind it and which four candidates the thread owns per step of 64.
/// The one difference between the two variants' row statistics; the loop around it is shared
/// (<c>ContrastiveKernels.RowStatsTiledWith</c>). Implemented by <see cref="ContrastiveKernels.ScalarTiles"/> (variant 2)
/// and <see cref="ContrastiveKernels.VectorTiles"/> (variant 4).
/// </summary>
public interface ITiledLogits<TSelf> where TSelf : struct, ITiledLogits<TSelf>
{
    /// <summary>This thread's staging, its shared tiles allocated (every thread of the group calls it, once per kernel).</summary>
    TSelf Prepare(ViewRows anchors, int firstRow, ContrastiveShape shape);

    /// <summary>
    /// The logits of the group's anchors rowBase + 4ty + i (row i of the block) against the thread's four candidates of the
    /// step at <paramref name="colBase"/>; rows past either end give 0. Every thread of the group must call it (barriers).
    /// </summary>
    MicroTile Logits(ViewRows anchors, int rowBase, ViewRows candidates, int colBase, ContrastiveShape shape);

    /// <summary>The indices of thread <paramref name="tx"/>'s four candidates in the step at <paramref name="colBase"/>.</summary>
    Int4 Columns(int colBase, int tx);

    /// <summary>The distance between those four candidates (for loading their keys).</summary>
    int ColumnStride { get; }
}
