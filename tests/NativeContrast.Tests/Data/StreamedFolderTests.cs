using System.Text.Json;
using NativeContrast.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NativeContrast.Tests.Data;

/// <summary>
/// <see cref="ImageFolder.Open"/>: a folder streamed from its files gives the pixels <see cref="ImageFolder.Load"/> gives,
/// through splits and the data loader, keeps its cache within its capacity, and reads a file that breaks after opening as
/// a black image that it names; training on a folder streams it and records the image size it took (64 by default).
/// </summary>
[NonParallelizable]
public class StreamedFolderTests
{
    private string root = null!;

    [SetUp]
    public void SetUp() => root = Directory.CreateTempSubdirectory("nc-streamed-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(root, recursive: true);

    private void Images(int count, string prefix = "")
    {
        var rng = new Random(count);
        for (int i = 0; i < count; i++)
        {
            var full = Path.Combine(root, prefix, $"img{i:D3}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using var image = new Image<Rgb24>(20 + rng.Next(30), 16 + rng.Next(30));
            for (int y = 0; y < image.Height; y++)
                for (int x = 0; x < image.Width; x++)
                    image[x, y] = new Rgb24((byte)rng.Next(256), (byte)(x * 9 + i), (byte)(y * 7));
            image.SaveAsPng(full);
        }
    }

    [TestCase(3)]
    [TestCase(1)]
    public void Open_GivesLoadsPixels_ThroughSplitsAndTheLoader(int channels)
    {
        Images(10, "cats");
        Images(6, "dogs");
        var memory = ImageFolder.Load(root, 12, channels).Dataset;
        var streamed = ImageFolder.Open(root, 12, channels).Dataset;
        Assert.That((memory.IsStreamed, streamed.IsStreamed), Is.EqualTo((false, true)));
        Assert.That(streamed.Labels, Is.EqualTo(memory.Labels));
        Assert.That(streamed.Files, Is.EqualTo(memory.Files));
        Assert.That(Pixels(streamed), Is.EqualTo(memory.Pixels));
        Assert.Throws<InvalidOperationException>(() => _ = streamed.Pixels);

        var (memoryTrain, memoryTest) = memory.Split(0.25, 3);
        var (streamedTrain, streamedTest) = streamed.Split(0.25, 3);
        Assert.That(Pixels(streamedTest), Is.EqualTo(memoryTest.Pixels));
        var a = new DataLoader(memoryTrain, 4, seed: 5).Epoch(1).Select(b => { using (b) return b.Images.ToFloatArray(); }).ToList();
        var b = new DataLoader(streamedTrain, 4, seed: 5).Epoch(1).Select(b => { using (b) return b.Images.ToFloatArray(); }).ToList();
        Assert.That(b, Is.EqualTo(a));
        var loader = new DataLoader(streamedTrain, 4, seed: 5);
        foreach (var batch in loader.Epoch(0)) batch.Dispose();
        Assert.That(loader.LastEpoch!.Images, Is.EqualTo(streamedTrain.Count / 4 * 4));
    }

    [Test]
    public void TheCache_StaysWithinItsCapacity_AndAFolderThatFitsIsDecodedOnce()
    {
        Images(12);
        int imageBytes = 3 * 16 * 16;
        var small = ImageFolder.Open(root, 16, 3, cacheBytes: 3 * imageBytes).Dataset;
        var cache = ((StreamedImages)small.Source).Cache;
        for (int pass = 0; pass < 2; pass++) Pixels(small);
        Assert.That(cache.Bytes, Is.LessThanOrEqualTo(3 * imageBytes));
        Assert.That(cache.Misses, Is.EqualTo(24), "too small to hold the folder: every read decodes");

        var large = ImageFolder.Open(root, 16, 3).Dataset;
        var fits = ((StreamedImages)large.Source).Cache;
        for (int pass = 0; pass < 3; pass++) Pixels(large);
        Assert.That((fits.Misses, fits.Hits, fits.Bytes), Is.EqualTo((12L, 24L, 12L * imageBytes)));
    }

    [Test]
    public void AFileThatBreaksAfterOpening_ReadsBlack_AndIsNamed()
    {
        Images(4);
        var log = new StringWriter();
        var data = ImageFolder.Open(root, 8, 3, log: log).Dataset;
        var broken = Path.Combine(root, "img002.png");
        File.WriteAllBytes(broken, File.ReadAllBytes(broken)[..40]);
        var pixels = new byte[data.ImageSize];
        data.CopyPixels(2, pixels);
        Assert.That(pixels, Is.All.EqualTo(0));
        Assert.That(log.ToString(), Does.Contain("unreadable, used as a black image").And.Contain("img002.png"));
        Assert.That(((StreamedImages)data.Source).Problems, Has.Count.EqualTo(1));
    }

    [Test]
    public void Open_SkipsBadFilesByHeader_AsLoadDoes()
    {
        Images(3);
        File.WriteAllText(Path.Combine(root, "notes.png"), "not an image");
        var result = ImageFolder.Open(root, 8, 3);
        Assert.That(result.Dataset.Count, Is.EqualTo(3));
        Assert.That(result.Problems.Single(), Does.Contain("notes.png"));
    }

    [Test]
    public void TrainingOnAFolder_StreamsIt_AtSize64ByDefault()
    {
        Images(24);
        var run = root + "-run";
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int code = NativeContrast.Cli.CommandLine.Run(["train", "--dataset", root, "--channels", "1", "--epochs", "1", "--batch-size", "8",
                "--device", "cpu", "--no-eval", "--cache-mb", "1", "--out", run], output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString() + output);
            Assert.That(output.ToString(), Does.Contain("(1×64×64)").And.Match(@"loader: 16 images read .* images/s of its own time; training took \d+ images/s and waited \d+\.\d s for batches")
                .And.Match(@"min in all, peak memory \d+\.\d\d GiB"));
            using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
            Assert.That(config.RootElement.GetProperty("ImageSize").GetInt32(), Is.EqualTo(64), "recorded, so the run never depends on the default");
        }
        finally
        {
            if (Directory.Exists(run)) Directory.Delete(run, true);
        }
    }

    private static byte[] Pixels(ImageDataset data)
    {
        var all = new byte[data.Count * data.ImageSize];
        for (int i = 0; i < data.Count; i++) data.CopyPixels(i, all.AsSpan(i * data.ImageSize, data.ImageSize));
        return all;
    }
}
