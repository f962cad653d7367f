using NativeContrast.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NativeContrast.Tests.Data;

public class ImageFolderTests
{
    private string root = null!;

    [SetUp]
    public void SetUp()
    {
        root = Directory.CreateTempSubdirectory("nc-folder-").FullName;
        foreach (var (cls, shade) in new[] { ("cats", (byte)40), ("dogs", (byte)200) })
        {
            Directory.CreateDirectory(Path.Combine(root, cls));
            for (int i = 0; i < 3; i++)
            {
                using var image = new Image<Rgb24>(16 + i, 12, new Rgb24(shade, (byte)(shade / 2), 10));
                image.SaveAsPng(Path.Combine(root, cls, $"{i}.png"));
            }
        }
        File.WriteAllBytes(Path.Combine(root, "cats", "corrupt.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5]);
        using (var big = new Image<Rgb24>(64, 64)) big.SaveAsBmp(Path.Combine(root, "dogs", "big.bmp"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(root, recursive: true);

    [Test]
    public void CorruptAndOversizeFiles_AreNamed_AndTheRestLoads()
    {
        var result = ImageFolder.Load(root, size: 8, channels: 3, maxPixels: 1000);
        Assert.That(result.Dataset.ClassNames, Is.EqualTo(new[] { "cats", "dogs" }));
        Assert.That(result.Dataset.Count, Is.EqualTo(6));
        Assert.That(result.Dataset.Labels, Is.EqualTo(new[] { 0, 0, 0, 1, 1, 1 }));
        Assert.That(result.Problems, Has.Count.EqualTo(2));
        Assert.That(result.Problems.Single(p => p.Contains("corrupt.png")), Does.Contain("could not be decoded").Or.Contain("not an image"));
        Assert.That(result.Problems.Single(p => p.Contains("big.bmp")), Does.Contain("64×64 pixels, over the 1000-pixel limit"));
        // Colour survives the resize: the first cat is (40, 20, 10) everywhere.
        var cat = result.Dataset.Images([0]).ToFloatArray();
        Assert.That(cat[0], Is.EqualTo(40 / 255f).Within(1e-6));
        Assert.That(cat[64], Is.EqualTo(20 / 255f).Within(1e-6));
    }

    [Test]
    public void TiffAndWebPRenamedPng_AreSkippedAndNamed_NotDecoded()
    {
        // ImageSharp's default configuration would decode both (it picks the decoder from the content).
        using (var tiff = new Image<Rgb24>(10, 10, new Rgb24(1, 2, 3))) tiff.SaveAsTiff(Path.Combine(root, "cats", "tiff-inside.png"));
        using (var webp = new Image<Rgb24>(10, 10, new Rgb24(1, 2, 3))) webp.SaveAsWebp(Path.Combine(root, "dogs", "webp-inside.png"));
        Assert.That(Image.Identify(Path.Combine(root, "cats", "tiff-inside.png")), Is.Not.Null, "the default configuration reads it");
        var result = ImageFolder.Load(root, size: 8, channels: 3, maxPixels: 10_000);
        Assert.That(result.Dataset.Count, Is.EqualTo(7), "the 6 PNGs and the BMP");
        foreach (var name in new[] { "tiff-inside.png", "webp-inside.png" })
            Assert.That(result.Problems.Single(p => p.Contains(name)), Does.Contain("not an image in a supported format (PNG, JPEG, BMP, GIF)"));
    }

    [Test]
    public void FileOverTheByteLimit_IsSkipped()
    {
        var result = ImageFolder.Load(root, size: 8, channels: 1, maxFileBytes: 2000);
        Assert.That(result.Problems.Single(p => p.Contains("big.bmp")), Does.Contain("over the 2000-byte limit"));
        Assert.That(result.Dataset.Channels, Is.EqualTo(1));
    }

    [Test]
    public void Split_IsStratifiedAndSeeded()
    {
        var data = ImageFolder.Load(root, 4, 1, maxPixels: 1000).Dataset;
        var (train, test) = data.Split(1.0 / 3, seed: 5);
        Assert.That(test.Count, Is.EqualTo(2));
        Assert.That(test.Labels.Order(), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(train.Count, Is.EqualTo(4));
        var (_, again) = data.Split(1.0 / 3, seed: 5);
        Assert.That(again.Pixels, Is.EqualTo(test.Pixels));
    }
}
