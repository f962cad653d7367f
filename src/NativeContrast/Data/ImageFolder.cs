using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace NativeContrast.Data;

/// <summary>
/// A dataset from a folder with one sub-folder per class (PNG, JPEG, BMP, GIF), decoded with
/// SixLabors.ImageSharp 2.1 and resized (scaled to cover, then centre-cropped) to Size×Size with 1 or
/// 3 channels. Every file is checked before it is decoded — size on disk and pixel count from the
/// header — so a crafted image cannot exhaust memory; a file that is too big, corrupt or not an image
/// is skipped and reported in <see cref="ImageFolderResult.Problems"/> with its path, and the rest load.
/// Class names are the sub-folder names in ordinal order.
/// </summary>
public static class ImageFolder
{
    public static readonly IReadOnlyList<string> Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif"];

    /// <summary>
    /// The decoders files are read with: PNG, JPEG, BMP and GIF only. ImageSharp picks the decoder from a file's content,
    /// not its name, so with its default configuration a TIFF, WebP, TGA or PBM file renamed .png would reach those
    /// decoders; here it is "not an image in a supported format" and skipped by name.
    /// </summary>
    internal static readonly Configuration Decoders = new(new PngConfigurationModule(), new JpegConfigurationModule(),
        new BmpConfigurationModule(), new GifConfigurationModule());

    public static ImageFolderResult Load(string root, int size, int channels = 3, long maxPixels = 40_000_000, long maxFileBytes = 64L << 20, TextWriter? log = null)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"Image folder '{root}' does not exist.");
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "The image size must be positive.");
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Images are loaded with 1 or 3 channels.");
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        if (classes.Count == 0) throw new InvalidDataException($"Image folder '{root}' has no class sub-folders.");
        var pixels = new List<byte>();
        var labels = new List<int>();
        var problems = new List<string>();
        int imageBytes = channels * size * size;
        for (int label = 0; label < classes.Count; label++)
        {
            var files = Directory.GetFiles(Path.Combine(root, classes[label]))
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                var problem = Decode(file, size, channels, maxPixels, maxFileBytes, out var bytes);
                if (problem is not null)
                {
                    problems.Add(problem);
                    log?.WriteLine($"skipped: {problem}");
                    continue;
                }
                pixels.AddRange(bytes!);
                labels.Add(label);
            }
        }
        if (labels.Count == 0) throw new InvalidDataException($"Image folder '{root}' has no readable images ({problems.Count} skipped).");
        return new ImageFolderResult(new ImageDataset(pixels.ToArray(), labels.ToArray(), channels, size, size, classes), problems);
    }

    /// <summary>Decodes one file into channels×size×size bytes, or returns why it was skipped.</summary>
    private static string? Decode(string file, int size, int channels, long maxPixels, long maxFileBytes, out byte[]? bytes)
    {
        bytes = null;
        long length = new FileInfo(file).Length;
        if (length > maxFileBytes) return $"'{file}' is {length} bytes, over the {maxFileBytes}-byte limit.";
        if (length == 0) return $"'{file}' is empty.";
        try
        {
            using var stream = File.OpenRead(file);
            var info = Image.Identify(Decoders, stream);
            if (info is null) return $"'{file}' is not an image in a supported format (PNG, JPEG, BMP, GIF).";
            if ((long)info.Width * info.Height > maxPixels)
                return $"'{file}' is {info.Width}×{info.Height} pixels, over the {maxPixels}-pixel limit.";
            var options = new ResizeOptions { Size = new Size(size, size), Mode = ResizeMode.Crop };
            bytes = new byte[channels * size * size];
            if (channels == 1)
            {
                stream.Position = 0;
                using var image = Image.Load<L8>(Decoders, stream);
                image.Mutate(x => x.Resize(options));
                for (int y = 0; y < size; y++)
                    for (int x = 0; x < size; x++) bytes[y * size + x] = image[x, y].PackedValue;
            }
            else
            {
                stream.Position = 0;
                using var image = Image.Load<Rgb24>(Decoders, stream);
                image.Mutate(x => x.Resize(options));
                int plane = size * size;
                for (int y = 0; y < size; y++)
                    for (int x = 0; x < size; x++)
                    {
                        var p = image[x, y];
                        bytes[y * size + x] = p.R;
                        bytes[plane + y * size + x] = p.G;
                        bytes[2 * plane + y * size + x] = p.B;
                    }
            }
            return null;
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException or NotSupportedException or IOException)
        {
            bytes = null;
            return $"'{file}' could not be decoded: {e.Message}";
        }
        // ImageSharp 2.1's decoders throw other types on some corrupt data too (ArgumentOutOfRangeException from a PNG,
        // NullReferenceException inside JpegComponentPostProcessor: found by ReaderFuzzTests). The file is hostile input to
        // a third-party decoder, so any failure but running out of memory skips it, by name and with the error's type.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            bytes = null;
            return $"'{file}' could not be decoded ({e.GetType().Name} in the decoder): {e.Message}";
        }
    }
}
