namespace NativeContrast.Data;

/// <summary>Every image's bytes in one array, [N, C, H, W].</summary>
internal sealed class MemoryPixels(byte[] pixels, int imageSize) : IPixelSource
{
    public byte[] Pixels { get; } = pixels;

    public bool IsStreamed => false;

    public void Read(int index, Span<byte> destination) => Pixels.AsSpan(index * imageSize, imageSize).CopyTo(destination);

    public IPixelSource Subset(IReadOnlyList<int> indices)
    {
        var subset = new byte[indices.Count * imageSize];
        for (int i = 0; i < indices.Count; i++) Read(indices[i], subset.AsSpan(i * imageSize, imageSize));
        return new MemoryPixels(subset, imageSize);
    }
}
