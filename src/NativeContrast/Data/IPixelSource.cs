namespace NativeContrast.Data;

/// <summary>Where an <see cref="ImageDataset"/>'s pixels come from: memory (<see cref="MemoryPixels"/>) or image files decoded on demand (<see cref="StreamedImages"/>).</summary>
internal interface IPixelSource
{
    /// <summary>True when images are decoded from files as they are read (with a bounded cache).</summary>
    bool IsStreamed { get; }

    /// <summary>Copies image <paramref name="index"/>'s C·H·W bytes into <paramref name="destination"/>.</summary>
    void Read(int index, Span<byte> destination);

    /// <summary>The images at <paramref name="indices"/>, in that order (a streamed source shares its files and cache).</summary>
    IPixelSource Subset(IReadOnlyList<int> indices);
}
