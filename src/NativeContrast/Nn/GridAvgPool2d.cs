namespace NativeContrast.Nn;

/// <summary>
/// [N, C, H, W] → [N, C·g·g]: each channel averaged over a g×g grid of cells (adaptive: cells ⌈H/g⌉ wide, ⌊H/g⌋ apart,
/// as PyTorch's AdaptiveAvgPool2d places them for g = 2), flattened channel by channel. g = 1 is global average pooling;
/// g = 2 keeps which quarter of the image a feature came from, which a centred object's shape needs.
/// </summary>
public sealed class GridAvgPool2d : Module
{
    /// <summary>Pools to a <paramref name="grid"/>×<paramref name="grid"/> grid per channel.</summary>
    public GridAvgPool2d(int grid)
    {
        if (grid < 1) throw new ArgumentOutOfRangeException(nameof(grid), grid, "The pooling grid needs at least one cell a side.");
        Grid = grid;
    }

    /// <summary>Cells a side.</summary>
    public int Grid { get; }

    /// <summary>The pooling window's side and step for a <paramref name="size"/>-pixel map.</summary>
    /// <exception cref="ArgumentException">The map is smaller than the grid.</exception>
    public (int Kernel, int Stride) Window(int size)
    {
        if (size < Grid) throw new ArgumentException($"GridAvgPool2d({Grid}) needs a feature map of at least {Grid}×{Grid}; got {size}.", nameof(size));
        return ((size + Grid - 1) / Grid, size / Grid);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[2] != x.Shape[3])
            throw new ArgumentException($"GridAvgPool2d needs a square map [N, C, H, H]; got {Shapes.Format(x.ShapeArray)}.", nameof(x));
        if (Grid == 1) return x.GlobalAvgPool2d();
        var (kernel, stride) = Window(x.Shape[2]);
        return x.AvgPool2d(kernel, stride).Reshape(x.Shape[0], -1);
    }
}
