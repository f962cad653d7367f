using System.Collections.Concurrent;

namespace NativeContrast.Data;

/// <summary>
/// Images of a folder decoded when they are read (resized and cropped as <see cref="ImageFolder.Load"/> does), through a
/// <see cref="DecodedImageCache"/> shared by every subset of the folder (a train/test split shares one cache). A file that
/// passed the header check when the folder was opened but fails to decode later reads as a black image; it is named once
/// on the log and in <see cref="Problems"/>.
/// </summary>
internal sealed class StreamedImages : IPixelSource
{
    private readonly Folder folder;
    private readonly int[] files;

    private StreamedImages(Folder folder, int[] files)
    {
        this.folder = folder;
        this.files = files;
    }

    /// <summary>Every listed file of <paramref name="root"/> (relative paths), in order.</summary>
    public static StreamedImages Open(string root, IReadOnlyList<string> relativePaths, int size, int channels, long maxPixels, long maxFileBytes,
        long cacheBytes, TextWriter? log) =>
        new(new Folder(root, relativePaths, size, channels, maxPixels, maxFileBytes, new DecodedImageCache(cacheBytes), log),
            Enumerable.Range(0, relativePaths.Count).ToArray());

    public bool IsStreamed => true;

    public DecodedImageCache Cache => folder.Cache;

    /// <summary>Files that failed to decode after the folder was opened (read as black images).</summary>
    public IReadOnlyCollection<string> Problems => folder.Problems.Values.ToList();

    public void Read(int index, Span<byte> destination)
    {
        int file = files[index];
        if (folder.Cache.TryGet(file, destination)) return;
        var path = Path.Combine(folder.Root, folder.Paths[file]);
        var problem = ImageFolder.DecodeFile(path, folder.Size, folder.Channels, folder.MaxPixels, folder.MaxFileBytes, out var bytes);
        if (problem is not null)
        {
            destination.Clear();
            if (folder.Problems.TryAdd(file, problem)) folder.Log?.WriteLine($"unreadable, used as a black image: {problem}");
            return;
        }
        bytes.AsSpan().CopyTo(destination);
        folder.Cache.Add(file, bytes!);
    }

    public IPixelSource Subset(IReadOnlyList<int> indices) => new StreamedImages(folder, indices.Select(i => files[i]).ToArray());

    private sealed record Folder(string Root, IReadOnlyList<string> Paths, int Size, int Channels, long MaxPixels, long MaxFileBytes,
        DecodedImageCache Cache, TextWriter? Log)
    {
        public ConcurrentDictionary<int, string> Problems { get; } = new();
    }
}
