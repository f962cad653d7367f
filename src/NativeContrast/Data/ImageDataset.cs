namespace NativeContrast.Data;

/// <summary>
/// Images as bytes (0–255, [N, C, H, W] row-major) with integer labels and class names: held in memory, or — for a folder
/// opened with <see cref="ImageFolder.Open"/> (<see cref="IsStreamed"/>) — decoded from their files when read, through
/// a bounded cache, so that memory does not grow with the folder.
/// <see cref="Images"/> turns a set of indices into a float32 batch in [0, 1] on a device. An unlabelled dataset
/// (<see cref="IsLabelled"/> false: images from a folder without class folders) has one class and every label 0;
/// a dataset read from files knows each row's file (<see cref="Files"/>).
/// </summary>
public sealed class ImageDataset
{
    /// <param name="pixels">The images' bytes, [N, C, H, W] row-major, 0–255.</param>
    /// <param name="labels">One class index per image, in [0, classNames.Count).</param>
    /// <param name="channels">C: 1 or 3.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="classNames">The classes' names, by index.</param>
    /// <param name="files">Each row's file (relative to the folder it was read from), or null.</param>
    /// <param name="labelled">False for images nobody labelled (then every label is 0).</param>
    public ImageDataset(byte[] pixels, int[] labels, int channels, int height, int width, IReadOnlyList<string> classNames,
        IReadOnlyList<string>? files = null, bool labelled = true)
        : this(new MemoryPixels(pixels, channels * height * width), labels, channels, height, width, classNames, files, labelled)
    {
        if ((long)labels.Length * channels * height * width != pixels.Length)
            throw new ArgumentException($"{labels.Length} labels need {(long)labels.Length * channels * height * width} pixel bytes for {channels}×{height}×{width} images; got {pixels.Length}.", nameof(pixels));
    }

    internal ImageDataset(IPixelSource source, int[] labels, int channels, int height, int width, IReadOnlyList<string> classNames,
        IReadOnlyList<string>? files, bool labelled)
    {
        if (files is not null && files.Count != labels.Length)
            throw new ArgumentException($"{labels.Length} images need {labels.Length} file names; got {files.Count}.", nameof(files));
        if (channels < 1 || height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(channels), "Image dimensions must be positive.");
        foreach (var label in labels)
            if (label < 0 || label >= classNames.Count)
                throw new ArgumentException($"Label {label} is outside the {classNames.Count} classes.", nameof(labels));
        Source = source;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        ClassNames = classNames;
        Files = files;
        IsLabelled = labelled;
    }

    /// <summary>Each row's file, relative to the folder the dataset was read from (null when not read from files).</summary>
    public IReadOnlyList<string>? Files { get; }

    /// <summary>Whether the labels mean anything (false: a folder of unlabelled images; every label is 0).</summary>
    public bool IsLabelled { get; }

    /// <summary>Every image's pixels, [N, C, H, W] bytes in row-major order, for a dataset held in memory.</summary>
    /// <exception cref="InvalidOperationException">The dataset is streamed from files (<see cref="IsStreamed"/>): read images with <see cref="CopyPixels"/>.</exception>
    public byte[] Pixels => Source is MemoryPixels memory ? memory.Pixels
        : throw new InvalidOperationException("This dataset is streamed from its files and has no pixel array; read images with CopyPixels or Images.");

    /// <summary>True when images are decoded from their files as they are read (<see cref="ImageFolder.Open"/>), false when they are held in memory.</summary>
    public bool IsStreamed => Source.IsStreamed;

    internal IPixelSource Source { get; }

    /// <summary>The class of each image (0 for every image of an unlabelled dataset).</summary>
    public int[] Labels { get; }

    /// <summary>Channels per image (1 or 3).</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Class names, by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Bytes per image (C·H·W).</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>Image <paramref name="index"/>'s C·H·W bytes (decoded from its file when the dataset is streamed).</summary>
    public void CopyPixels(int index, Span<byte> destination)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The dataset has {Count} images.");
        if (destination.Length < ImageSize) throw new ArgumentException($"An image needs {ImageSize} bytes; the destination holds {destination.Length}.", nameof(destination));
        Source.Read(index, destination[..ImageSize]);
    }

    /// <summary>The images at <paramref name="indices"/> as float32 [n, C, H, W] in [0, 1] (into <paramref name="destination"/>); a streamed dataset decodes them in parallel.</summary>
    public void CopyImages(ReadOnlySpan<int> indices, Span<float> destination)
    {
        int size = ImageSize;
        if (destination.Length < indices.Length * size)
            throw new ArgumentException($"{indices.Length} images need {indices.Length * size} floats; the destination holds {destination.Length}.", nameof(destination));
        if (!IsStreamed)
        {
            var pixels = Pixels;
            for (int i = 0; i < indices.Length; i++) Scale(pixels.AsSpan(indices[i] * size, size), destination.Slice(i * size, size));
            return;
        }
        // Decoded in parallel into one byte buffer (a span cannot be captured by the workers), then scaled in one pass.
        var rows = indices.ToArray();
        var bytes = new byte[rows.Length * size];
        Parallel.For(0, rows.Length, i => Source.Read(rows[i], bytes.AsSpan(i * size, size)));
        Scale(bytes, destination);
    }

    private static void Scale(ReadOnlySpan<byte> source, Span<float> target)
    {
        for (int k = 0; k < source.Length; k++) target[k] = source[k] * (1f / 255f);
    }

    /// <summary>The images at <paramref name="indices"/> as a float32 tensor [n, C, H, W] in [0, 1] on <paramref name="device"/>.</summary>
    public Tensor Images(ReadOnlySpan<int> indices, Device? device = null)
    {
        var values = new float[indices.Length * ImageSize];
        CopyImages(indices, values);
        return Tensor.FromArray(values, [indices.Length, Channels, Height, Width], device ?? Device.Cpu);
    }

    /// <summary>A subset (copying its images when held in memory; a streamed subset shares the files and the cache).</summary>
    public ImageDataset Subset(IReadOnlyList<int> indices) =>
        new(Source.Subset(indices), indices.Select(i => Labels[i]).ToArray(), Channels, Height, Width, ClassNames,
            Files is null ? null : indices.Select(i => Files[i]).ToArray(), IsLabelled);

    /// <summary>A seeded random split: (1 − testFraction) of the images for training, the rest for testing, stratified by class.</summary>
    public (ImageDataset Train, ImageDataset Test) Split(double testFraction, int seed)
    {
        if (!(testFraction > 0 && testFraction < 1)) throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be in (0, 1).");
        var rng = new Random(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (var group in Enumerable.Range(0, Count).GroupBy(i => Labels[i]))
        {
            var members = group.OrderBy(_ => rng.Next()).ToList();
            int testCount = (int)Math.Round(members.Count * testFraction);
            test.AddRange(members.Take(testCount));
            train.AddRange(members.Skip(testCount));
        }
        train.Sort();
        test.Sort();
        return (Subset(train), Subset(test));
    }
}
