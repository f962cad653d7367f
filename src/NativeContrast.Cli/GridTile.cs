using NativeContrast.Data;

namespace NativeContrast.Cli;

/// <summary>
/// One picture of a <see cref="SearchGrid"/>: RGB bytes of <see cref="Size"/>² pixels (null: could not be read) and two
/// caption lines.
/// </summary>
internal sealed record GridTile(byte[]? Rgb, string Line1, string Line2)
{
    public const int Size = 96;

    /// <summary>An image file, decoded with training's checks, scaled to cover the tile and centre-cropped.</summary>
    public static GridTile FromFile(string file, string line1, string line2)
    {
        try
        {
            return new GridTile(ImageFolder.LoadFile(file, Size, 3).Pixels, line1, line2);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return new GridTile(null, line1, line2);
        }
    }

    /// <summary>Image <paramref name="index"/> of a dataset (1 or 3 channels, any size), scaled to the tile by nearest neighbour.</summary>
    public static GridTile FromDataset(ImageDataset data, int index, string line1, string line2)
    {
        var rgb = new byte[3 * Size * Size];
        var pixels = new byte[data.ImageSize];
        data.CopyPixels(index, pixels);
        int plane = data.Height * data.Width;
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                int source = y * data.Height / Size * data.Width + x * data.Width / Size;
                for (int c = 0; c < 3; c++)
                    rgb[c * Size * Size + y * Size + x] = pixels[(data.Channels == 3 ? c * plane : 0) + source];
            }
        return new GridTile(rgb, line1, line2);
    }
}
