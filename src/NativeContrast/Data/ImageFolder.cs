using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace NativeContrast.Data;

/// <summary>
/// A dataset from a folder of images: labelled when the images sit in one sub-folder per class, unlabelled otherwise
/// (a flat folder, or one nested without that structure: every image under it, in ordinal order of its path; see
/// <see cref="FolderLabels"/>). PNG, JPEG, BMP, GIF, decoded with
/// SixLabors.ImageSharp 2.1 and resized (scaled to cover, then centre-cropped) to Size×Size with 1 or
/// 3 channels. Every file is checked before it is decoded — size on disk and pixel count from the
/// header — so a crafted image cannot exhaust memory; a file that is too big, corrupt or not an image
/// is skipped and reported in <see cref="ImageFolderResult.Problems"/> with its path, and the rest load.
/// Class names are the sub-folder names in ordinal order; each row knows its file (<see cref="ImageDataset.Files"/>).
/// </summary>
public static class ImageFolder
{
    /// <summary>The file extensions read (PNG, JPEG, BMP, GIF), compared without case.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif"];

    /// <summary>
    /// The decoders files are read with: PNG, JPEG, BMP and GIF only. ImageSharp picks the decoder from a file's content,
    /// not its name, so with its default configuration a TIFF, WebP, TGA or PBM file renamed .png would reach those
    /// decoders; here it is "not an image in a supported format" and skipped by name.
    /// </summary>
    internal static readonly Configuration Decoders = new(new PngConfigurationModule(), new JpegConfigurationModule(),
        new BmpConfigurationModule(), new GifConfigurationModule());

    /// <summary>The decoded-image cache of <see cref="Open"/> unless told otherwise: 1 GiB.</summary>
    public const long DefaultCacheBytes = 1L << 30;

    /// <summary>Loads every image under <paramref name="root"/> into memory, resized and centre-cropped to <paramref name="size"/>² with <paramref name="channels"/> channels; labelled by first-level class folders as <paramref name="labels"/> says. Files too big, corrupt or not images are skipped and named on <paramref name="log"/>.</summary>
    public static ImageFolderResult Load(string root, int size, int channels = 3, long maxPixels = 40_000_000, long maxFileBytes = 64L << 20, TextWriter? log = null,
        FolderLabels labels = FolderLabels.Auto)
    {
        var (images, classes, labelled) = List(root, size, channels, log, labels);
        var pixels = new List<byte>();
        var rowLabels = new List<int>();
        var files = new List<string>();
        var problems = new List<string>();
        foreach (var relative in images)
        {
            var file = Path.Combine(root, relative);
            var problem = DecodeFile(file, size, channels, maxPixels, maxFileBytes, out var bytes);
            if (problem is not null)
            {
                problems.Add(problem);
                log?.WriteLine($"skipped: {problem}");
                continue;
            }
            pixels.AddRange(bytes!);
            rowLabels.Add(labelled ? classes.IndexOf(FirstFolder(relative)) : 0);
            files.Add(relative);
        }
        if (rowLabels.Count == 0) throw new InvalidDataException($"Image folder '{root}' has no readable images ({problems.Count} skipped).");
        var dataset = new ImageDataset(pixels.ToArray(), rowLabels.ToArray(), channels, size, size, labelled ? classes : ["(unlabelled)"], files, labelled);
        return new ImageFolderResult(dataset, problems);
    }

    /// <summary>
    /// Opens every image under <paramref name="root"/> as a streamed dataset (<see cref="ImageDataset.IsStreamed"/>): the files
    /// are listed once (ordinal order) and their headers checked now (size on disk, format, pixel count: failures are skipped
    /// and named, as <see cref="Load"/> does), and each image is decoded, resized and cropped when it is read, through a cache
    /// of at most <paramref name="cacheBytes"/> decoded bytes shared by the dataset's subsets. Memory stays near the cache's
    /// size (plus a few bytes per file) whatever the folder's size.
    /// </summary>
    public static ImageFolderResult Open(string root, int size, int channels = 3, long cacheBytes = DefaultCacheBytes, long maxPixels = 40_000_000,
        long maxFileBytes = 64L << 20, TextWriter? log = null, FolderLabels labels = FolderLabels.Auto)
    {
        if (cacheBytes < 0) throw new ArgumentOutOfRangeException(nameof(cacheBytes), cacheBytes, "The cache size cannot be negative.");
        var (images, classes, labelled) = List(root, size, channels, log, labels);
        var rowLabels = new List<int>();
        var files = new List<string>();
        var problems = new List<string>();
        foreach (var relative in images)
        {
            var problem = CheckFile(Path.Combine(root, relative), maxPixels, maxFileBytes);
            if (problem is not null)
            {
                problems.Add(problem);
                log?.WriteLine($"skipped: {problem}");
                continue;
            }
            rowLabels.Add(labelled ? classes.IndexOf(FirstFolder(relative)) : 0);
            files.Add(relative);
        }
        if (rowLabels.Count == 0) throw new InvalidDataException($"Image folder '{root}' has no readable images ({problems.Count} skipped).");
        var source = StreamedImages.Open(root, files, size, channels, maxPixels, maxFileBytes, cacheBytes, log);
        var dataset = new ImageDataset(source, rowLabels.ToArray(), channels, size, size, labelled ? classes : ["(unlabelled)"], files, labelled);
        return new ImageFolderResult(dataset, problems);
    }

    /// <summary>The folder's image files (relative, ordinal order), its class folders, and whether it is taken as labelled (said on the log).</summary>
    private static (List<string> Images, List<string> Classes, bool Labelled) List(string root, int size, int channels, TextWriter? log, FolderLabels labels)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"Image folder '{root}' does not exist.");
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "The image size must be positive.");
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Images are loaded with 1 or 3 channels.");
        var images = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Select(f => Path.GetRelativePath(root, f))
            .Order(StringComparer.Ordinal)
            .ToList();
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        bool allInClassFolders = images.Count > 0 && images.All(f => Depth(f) == 1);
        bool labelled = labels switch
        {
            FolderLabels.Folders => classes.Count > 0 ? true : throw new InvalidDataException($"Image folder '{root}' has no class sub-folders (--labels folders needs ROOT/CLASS/IMAGE)."),
            FolderLabels.None => false,
            _ => allInClassFolders,
        };
        if (images.Count == 0) throw new InvalidDataException($"Image folder '{root}' holds no images ({string.Join(", ", Extensions)}).");
        if (labelled)
        {
            // Images outside the class folders (at the top) have no class: listed as skipped.
            var unclassed = images.Where(f => Depth(f) == 0).ToList();
            foreach (var f in unclassed) log?.WriteLine($"skipped: '{Path.Combine(root, f)}' is not in a class folder.");
            images = images.Where(f => Depth(f) > 0).ToList();
            log?.WriteLine($"image folder {root}: {images.Count} images in {classes.Count} class folders (labelled{(labels == FolderLabels.Auto ? "; --labels none ignores the folders" : "")})");
        }
        else
        {
            log?.WriteLine($"image folder {root}: {images.Count} images, unlabelled ({(labels == FolderLabels.None ? "--labels none" : "not all in first-level class folders; --labels folders takes them as classes")})");
        }
        return (images, classes, labelled);
    }

    /// <summary>How many folders deep a relative path sits (0: at the top).</summary>
    private static int Depth(string relative) => relative.Count(c => c == Path.DirectorySeparatorChar || c == Path.AltDirectorySeparatorChar);

    private static string FirstFolder(string relative) => relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)[0];

    /// <summary>
    /// One image file as a one-image dataset of channels×size×size, decoded, checked, resized and cropped as <see cref="Load"/>
    /// does (so an application embeds a file the way training saw its images).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is too big, corrupt or not an image; the message names it.</exception>
    public static ImageDataset LoadFile(string path, int size, int channels, long maxPixels = 40_000_000, long maxFileBytes = 64L << 20)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Image '{path}' does not exist.", path);
        var problem = DecodeFile(path, size, channels, maxPixels, maxFileBytes, out var bytes);
        if (problem is not null) throw new InvalidDataException(problem);
        return new ImageDataset(bytes!, [0], channels, size, size, ["(unlabelled)"], [Path.GetFileName(path)], labelled: false);
    }

    /// <summary>Checks one file's size on disk and header (format, pixel count) without decoding it; returns why it would be skipped, or null.</summary>
    private static string? CheckFile(string file, long maxPixels, long maxFileBytes)
    {
        long length = new FileInfo(file).Length;
        if (length > maxFileBytes) return $"'{file}' is {length} bytes, over the {maxFileBytes}-byte limit.";
        if (length == 0) return $"'{file}' is empty.";
        try
        {
            using var stream = File.OpenRead(file);
            var info = Image.Identify(Decoders, stream);
            if (info is null) return $"'{file}' is not an image in a supported format (PNG, JPEG, BMP, GIF).";
            if ((long)info.Width * info.Height > maxPixels) return $"'{file}' is {info.Width}×{info.Height} pixels, over the {maxPixels}-pixel limit.";
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"'{file}' could not be read ({e.GetType().Name}): {e.Message}";
        }
    }

    /// <summary>Decodes one file into channels×size×size bytes, or returns why it was skipped.</summary>
    internal static string? DecodeFile(string file, int size, int channels, long maxPixels, long maxFileBytes, out byte[]? bytes)
    {
        bytes = null;
        long length = new FileInfo(file).Length;
        if (length > maxFileBytes) return $"'{file}' is {length} bytes, over the {maxFileBytes}-byte limit.";
        if (length == 0) return $"'{file}' is empty.";
        using var stream = File.OpenRead(file);
        return Decode(stream, file, size, channels, maxPixels, out bytes);
    }

    /// <summary>
    /// An image from a stream (an upload, an embedded resource) as a one-image dataset, as <see cref="LoadFile"/> does for
    /// a file; the stream is read up to <paramref name="maxBytes"/> bytes and need not be seekable.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream is too long, empty, corrupt or not an image.</exception>
    public static ImageDataset LoadStream(Stream stream, int size, int channels, long maxPixels = 40_000_000, long maxBytes = 64L << 20)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw new InvalidDataException($"The image stream is over the {maxBytes}-byte limit.");
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) throw new InvalidDataException("The image stream is empty.");
        buffer.Position = 0;
        var problem = Decode(buffer, "the image stream", size, channels, maxPixels, out var bytes);
        if (problem is not null) throw new InvalidDataException(problem);
        return new ImageDataset(bytes!, [0], channels, size, size, ["(unlabelled)"], ["(stream)"], labelled: false);
    }

    /// <summary>Decodes a seekable stream (named <paramref name="file"/> in messages) into channels×size×size bytes, or returns why it was skipped.</summary>
    private static string? Decode(Stream stream, string file, int size, int channels, long maxPixels, out byte[]? bytes)
    {
        bytes = null;
        try
        {
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
