using SkiaSharp;
using NativeContrast.IO;

namespace NativeContrast.Cli;

/// <summary>
/// A picture of neighbours: one row per query, the query on the left (outlined), then its neighbours best first, each
/// with two caption lines under it (rank and similarity, file or class). <c>search</c> draws its queries' hits with it,
/// and a run's <c>neighbours.png</c> held-out images beside their nearest training images. A tile that could not be read
/// is grey and says so.
/// </summary>
internal static class SearchGrid
{
    private const int Thumb = GridTile.Size, Gap = 8, Caption = 34;

    public static void Write(string path, IReadOnlyList<(GridTile Query, IReadOnlyList<GridTile> Neighbours)> rows, string? title = null)
    {
        int columns = 1 + rows.Max(r => r.Neighbours.Count);
        int top = title is null ? 0 : 22;
        int width = Gap + columns * (Thumb + Gap) + Gap, height = top + Gap + rows.Count * (Thumb + Caption + Gap);
        using var surface = new SKBitmap(width, height);
        using var canvas = new SKCanvas(surface);
        canvas.Clear(SKColors.White);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var font = new SKFont { Size = 11 };
        using var outline = new SKPaint { Color = new SKColor(0x1f, 0x77, 0xb4), IsStroke = true, StrokeWidth = 3 };
        if (title is not null)
        {
            using var heading = new SKFont { Size = 14 };
            canvas.DrawText(title, Gap, 17, SKTextAlign.Left, heading, text);
        }
        for (int q = 0; q < rows.Count; q++)
        {
            int y = top + Gap + q * (Thumb + Caption + Gap);
            Draw(canvas, rows[q].Query, Gap, y, font, text);
            canvas.DrawRect(Gap - 2, y - 2, Thumb + 4, Thumb + 4, outline);
            for (int r = 0; r < rows[q].Neighbours.Count; r++)
                Draw(canvas, rows[q].Neighbours[r], Gap + (r + 1) * (Thumb + Gap) + Gap, y, font, text);
        }
        using var image = SKImage.FromBitmap(surface);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, data.ToArray());
    }

    private static void Draw(SKCanvas canvas, GridTile tile, int x, int y, SKFont font, SKPaint text)
    {
        if (tile.Rgb is { } rgb)
        {
            using var bitmap = new SKBitmap(Thumb, Thumb, SKColorType.Rgba8888, SKAlphaType.Opaque);
            int plane = Thumb * Thumb;
            for (int py = 0; py < Thumb; py++)
                for (int px = 0; px < Thumb; px++)
                {
                    int at = py * Thumb + px;
                    bitmap.SetPixel(px, py, new SKColor(rgb[at], rgb[plane + at], rgb[2 * plane + at]));
                }
            canvas.DrawBitmap(bitmap, x, y);
        }
        else
        {
            using var grey = new SKPaint { Color = new SKColor(0xdd, 0xdd, 0xdd) };
            canvas.DrawRect(x, y, Thumb, Thumb, grey);
            canvas.DrawText("not readable", x + 6, y + Thumb / 2, SKTextAlign.Left, font, text);
        }
        canvas.DrawText(Shorten(tile.Line1), x, y + Thumb + 13, SKTextAlign.Left, font, text);
        canvas.DrawText(Shorten(tile.Line2), x, y + Thumb + 26, SKTextAlign.Left, font, text);
    }

    private static string Shorten(string name) => name.Length <= 14 ? name : "…" + name[^13..];
}
