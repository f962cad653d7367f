using System.Globalization;
using NativeContrast.Data;
using NativeContrast.Evaluation;
using NativeContrast.IO;
using SkiaSharp;

namespace NativeContrast.Cli;

/// <summary>
/// The picture of a search: one row per query, the query image on the left (outlined), then its neighbours best first,
/// each with its similarity and file name under it. Images are decoded with the same checks as training's (a file that
/// cannot be read is a grey tile that says so).
/// </summary>
internal static class SearchGrid
{
    private const int Thumb = 96, Gap = 8, Caption = 34;

    public static void Write(string path, IReadOnlyList<string> queries, IReadOnlyList<SearchHit>[] hits, string? imagesFolder)
    {
        int columns = 1 + hits.Max(h => h.Count);
        int width = Gap + columns * (Thumb + Gap) + Gap, height = Gap + queries.Count * (Thumb + Caption + Gap);
        using var surface = new SKBitmap(width, height);
        using var canvas = new SKCanvas(surface);
        canvas.Clear(SKColors.White);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var font = new SKFont { Size = 11 };
        using var outline = new SKPaint { Color = new SKColor(0x1f, 0x77, 0xb4), IsStroke = true, StrokeWidth = 3 };
        for (int q = 0; q < queries.Count; q++)
        {
            int y = Gap + q * (Thumb + Caption + Gap);
            Tile(canvas, queries[q], Gap, y, font, text);
            canvas.DrawRect(Gap - 2, y - 2, Thumb + 4, Thumb + 4, outline);
            canvas.DrawText("query", Gap, y + Thumb + 13, SKTextAlign.Left, font, text);
            canvas.DrawText(Shorten(Path.GetFileName(queries[q])), Gap, y + Thumb + 26, SKTextAlign.Left, font, text);
            for (int r = 0; r < hits[q].Count; r++)
            {
                var hit = hits[q][r];
                int x = Gap + (r + 1) * (Thumb + Gap) + Gap;
                Tile(canvas, imagesFolder is null ? hit.Name : Path.Combine(imagesFolder, hit.Name), x, y, font, text);
                canvas.DrawText(string.Create(CultureInfo.InvariantCulture, $"{r + 1}. {hit.Similarity:F3}"), x, y + Thumb + 13, SKTextAlign.Left, font, text);
                canvas.DrawText(Shorten(hit.Name), x, y + Thumb + 26, SKTextAlign.Left, font, text);
            }
        }
        using var image = SKImage.FromBitmap(surface);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>The image at <paramref name="file"/> resized and cropped to the tile, or a grey tile saying it could not be read.</summary>
    private static void Tile(SKCanvas canvas, string file, int x, int y, SKFont font, SKPaint text)
    {
        try
        {
            var image = ImageFolder.LoadFile(file, Thumb, 3);
            using var bitmap = new SKBitmap(Thumb, Thumb, SKColorType.Rgba8888, SKAlphaType.Opaque);
            int plane = Thumb * Thumb;
            for (int py = 0; py < Thumb; py++)
                for (int px = 0; px < Thumb; px++)
                {
                    int at = py * Thumb + px;
                    bitmap.SetPixel(px, py, new SKColor(image.Pixels[at], image.Pixels[plane + at], image.Pixels[2 * plane + at]));
                }
            canvas.DrawBitmap(bitmap, x, y);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            using var grey = new SKPaint { Color = new SKColor(0xdd, 0xdd, 0xdd) };
            canvas.DrawRect(x, y, Thumb, Thumb, grey);
            canvas.DrawText("not readable", x + 6, y + Thumb / 2, SKTextAlign.Left, font, text);
        }
    }

    private static string Shorten(string name) => name.Length <= 14 ? name : "…" + name[^13..];
}
