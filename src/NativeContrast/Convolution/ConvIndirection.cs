using System.Runtime.InteropServices;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>
/// The tables <see cref="IndirectSgemm.Tile"/> reads, built once per convolution call from the shape alone:
/// the positions each tile of 6 computes (−1 for none) and, per tile, tap and row, the offset of the row's
/// values in the channels-last source (−1 where the tap reads padding or, for the data gradient, no output).
/// </summary>
internal sealed unsafe class ConvIndirection : IDisposable
{
    private ConvIndirection(int tiles, int taps)
    {
        Tiles = tiles;
        Taps = taps;
        Positions = (int*)NativeMemory.Alloc((nuint)(tiles * IndirectSgemm.TileRows), sizeof(int));
        Offsets = (int*)NativeMemory.Alloc((nuint)(tiles * taps * IndirectSgemm.TileRows), sizeof(int));
    }

    public int Tiles { get; }

    public int Taps { get; }

    /// <summary>[tile][row]: the output position (forward) or input position (data gradient); −1 for none.</summary>
    public int* Positions { get; }

    /// <summary>[tile][tap][row]: offset in the channels-last source, −1 for zeros.</summary>
    public int* Offsets { get; }

    /// <summary>
    /// Forward: tile i holds output positions 6i … 6i + 5 in order; row (p, q) at tap (kh, kw) reads the input
    /// pixel (p·stride − padding + kh, q·stride − padding + kw), whose C channels start at (ih·W + iw)·C.
    /// </summary>
    public static ConvIndirection Forward(ConvShape s)
    {
        int plane = s.OutPlane, taps = s.KernelH * s.KernelW;
        var table = new ConvIndirection((plane + IndirectSgemm.TileRows - 1) / IndirectSgemm.TileRows, taps);
        for (int i = 0; i < table.Tiles * IndirectSgemm.TileRows; i++)
        {
            int tile = i / IndirectSgemm.TileRows, row = i % IndirectSgemm.TileRows;
            table.Positions[i] = i < plane ? i : -1;
            for (int t = 0; t < taps; t++)
            {
                int offset = -1;
                if (i < plane)
                {
                    int ih = i / s.OutWidth * s.Stride - s.Padding + t / s.KernelW;
                    int iw = i % s.OutWidth * s.Stride - s.Padding + t % s.KernelW;
                    if (ih >= 0 && ih < s.Height && iw >= 0 && iw < s.Width) offset = (ih * s.Width + iw) * s.Channels;
                }
                table.Offsets[(tile * taps + t) * IndirectSgemm.TileRows + row] = offset;
            }
        }
        return table;
    }

    /// <summary>
    /// Data gradient, dx[c, ih, iw] = Σ_(o, kh, kw) W[o, c, kh, kw]·g[o, oh, ow] over the windows that cover the pixel:
    /// oh = (ih + padding − kh) / stride when that divides exactly and lies in [0, OH) (likewise ow). Input positions are
    /// grouped by phase ((ih + padding) mod stride, (iw + padding) mod stride), each group padded to whole tiles, so the
    /// 6 rows of a tile use the same taps and the others are skipped. Offsets point at g's O channels: (oh·OW + ow)·O.
    /// </summary>
    public static ConvIndirection DataGradient(ConvShape s)
    {
        int taps = s.KernelH * s.KernelW, rows = IndirectSgemm.TileRows;
        var order = new List<int>();
        for (int phaseH = 0; phaseH < s.Stride; phaseH++)
        {
            for (int phaseW = 0; phaseW < s.Stride; phaseW++)
            {
                int before = order.Count;
                for (int ih = 0; ih < s.Height; ih++)
                    for (int iw = 0; iw < s.Width; iw++)
                        if ((ih + s.Padding) % s.Stride == phaseH && (iw + s.Padding) % s.Stride == phaseW) order.Add(ih * s.Width + iw);
                while ((order.Count - before) % rows != 0) order.Add(-1);
            }
        }
        var table = new ConvIndirection(order.Count / rows, taps);
        for (int i = 0; i < order.Count; i++)
        {
            int tile = i / rows, row = i % rows, position = order[i];
            table.Positions[i] = position;
            for (int t = 0; t < taps; t++)
            {
                int offset = -1;
                if (position >= 0)
                {
                    int dh = position / s.Width + s.Padding - t / s.KernelW, dw = position % s.Width + s.Padding - t % s.KernelW;
                    if (dh >= 0 && dw >= 0 && dh % s.Stride == 0 && dw % s.Stride == 0 && dh / s.Stride < s.OutHeight && dw / s.Stride < s.OutWidth)
                        offset = (dh / s.Stride * s.OutWidth + dw / s.Stride) * s.OutChannels;
                }
                table.Offsets[(tile * taps + t) * rows + row] = offset;
            }
        }
        return table;
    }

    /// <summary>The forward table's offset for output position <paramref name="position"/> at tap <paramref name="tap"/>.</summary>
    public int ForwardOffset(int position, int tap) =>
        Offsets[(position / IndirectSgemm.TileRows * Taps + tap) * IndirectSgemm.TileRows + position % IndirectSgemm.TileRows];

    public void Dispose()
    {
        NativeMemory.Free(Positions);
        NativeMemory.Free(Offsets);
    }
}
