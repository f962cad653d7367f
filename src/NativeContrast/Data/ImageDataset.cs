namespace NativeContrast.Data;

/// <summary>
/// Images held in memory as bytes (0–255, [N, C, H, W] row-major) with integer labels and class names.
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
    {
        if (files is not null && files.Count != labels.Length)
            throw new ArgumentException($"{labels.Length} images need {labels.Length} file names; got {files.Count}.", nameof(files));
        if (channels < 1 || height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(channels), "Image dimensions must be positive.");
        if ((long)labels.Length * channels * height * width != pixels.Length)
            throw new ArgumentException($"{labels.Length} labels need {(long)labels.Length * channels * height * width} pixel bytes for {channels}×{height}×{width} images; got {pixels.Length}.", nameof(pixels));
        foreach (var label in labels)
            if (label < 0 || label >= classNames.Count)
                throw new ArgumentException($"Label {label} is outside the {classNames.Count} classes.", nameof(labels));
        Pixels = pixels;
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

    /// <summary>Every image's pixels, [N, C, H, W] bytes in row-major order.</summary>
    public byte[] Pixels { get; }

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

    /// <summary>The images at <paramref name="indices"/> as float32 [n, C, H, W] in [0, 1] (into <paramref name="destination"/>).</summary>
    public void CopyImages(ReadOnlySpan<int> indices, Span<float> destination)
    {
        int size = ImageSize;
        for (int i = 0; i < indices.Length; i++)
        {
            var source = Pixels.AsSpan(indices[i] * size, size);
            var target = destination.Slice(i * size, size);
            for (int k = 0; k < size; k++) target[k] = source[k] * (1f / 255f);
        }
    }

    /// <summary>The images at <paramref name="indices"/> as a float32 tensor [n, C, H, W] in [0, 1] on <paramref name="device"/>.</summary>
    public Tensor Images(ReadOnlySpan<int> indices, Device? device = null)
    {
        var values = new float[indices.Length * ImageSize];
        CopyImages(indices, values);
        return Tensor.FromArray(values, [indices.Length, Channels, Height, Width], device ?? Device.Cpu);
    }

    /// <summary>A subset (copying its images).</summary>
    public ImageDataset Subset(IReadOnlyList<int> indices)
    {
        int size = ImageSize;
        var pixels = new byte[indices.Count * size];
        for (int i = 0; i < indices.Count; i++) Pixels.AsSpan(indices[i] * size, size).CopyTo(pixels.AsSpan(i * size));
        return new ImageDataset(pixels, indices.Select(i => Labels[i]).ToArray(), Channels, Height, Width, ClassNames,
            Files is null ? null : indices.Select(i => Files[i]).ToArray(), IsLabelled);
    }

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
