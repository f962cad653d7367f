using System.IO.Compression;

namespace NativeContrast.Tests.Data;

/// <summary>Writes small IDX files (raw or gzip) for the data tests.</summary>
internal static class IdxFiles
{
    public static byte[] Bytes(int[] dims, byte[] data, byte type = 0x08)
    {
        var header = new List<byte> { 0, 0, type, (byte)dims.Length };
        foreach (var d in dims) header.AddRange(BitConverter.GetBytes(d).Reverse());
        return [.. header, .. data];
    }

    public static string Write(string folder, string name, byte[] bytes, bool gzip)
    {
        var path = Path.Combine(folder, gzip ? name + ".gz" : name);
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return path;
        }
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(bytes);
        return path;
    }

    /// <summary>A fake Fashion-MNIST folder: n train and n test images of 28×28 with labels i mod 10.</summary>
    public static string FakeFashionMnist(int n = 40)
    {
        var folder = Directory.CreateTempSubdirectory("nc-fmnist-").FullName;
        foreach (var prefix in new[] { "train", "t10k" })
        {
            var pixels = new byte[n * 28 * 28];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)((i * 7 + (prefix == "t10k" ? 3 : 0)) % 256);
            Write(folder, $"{prefix}-images-idx3-ubyte", Bytes([n, 28, 28], pixels), gzip: true);
            Write(folder, $"{prefix}-labels-idx1-ubyte", Bytes([n], Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray()), gzip: false);
        }
        return folder;
    }
}
