using NativeContrast.Augmentation;
using NativeContrast.Kernels;
using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Data;

/// <summary>Each augmentation's effect on small known images; seeding; cpu vs ilgpu-cpu parity.</summary>
public class AugmentationTests
{
    /// <summary>Image n, channel c, pixel (y, x) = (n + 1)·0.05 + c·0.1 + y·0.02 + x·0.003: every pixel distinct, all in [0, 1].</summary>
    private static Tensor Ramp(int n, int c, int h, int w, Device? device = null)
    {
        var values = new float[n * c * h * w];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        values[((i * c + ch) * h + y) * w + x] = (i + 1) * 0.05f + ch * 0.1f + y * 0.02f + x * 0.003f;
        return Tensor.FromArray(values, [n, c, h, w], device ?? Device.Cpu);
    }

    [Test]
    public void Flip_Mirrors_ExactlyTheChosenImages()
    {
        using var scope = TensorScope.Begin();
        var x = Ramp(6, 2, 3, 5);
        var y = new HorizontalFlip(0.5).Apply(x, new Random(3)).ToFloatArray();
        var v = x.ToFloatArray();
        int flipped = 0;
        for (int n = 0; n < 6; n++)
        {
            bool mirrored = y[n * 30 + 0] == v[n * 30 + 4];
            flipped += mirrored ? 1 : 0;
            for (int k = 0; k < 30; k++)
            {
                int col = k % 5, expected = mirrored ? k - col + (4 - col) : k;
                Assert.That(y[n * 30 + k], Is.EqualTo(v[n * 30 + expected]), $"image {n}, element {k}");
            }
        }
        Assert.That(flipped, Is.InRange(1, 5));
    }

    [Test]
    public void ResizedCrop_HasTheAskedSize_AndStaysInsideTheImage()
    {
        using var scope = TensorScope.Begin();
        var x = Ramp(20, 1, 28, 28);
        var y = new RandomResizedCrop(12, 16, (0.1, 0.5)).Apply(x, new Random(1));
        Assert.That(y.Shape, Is.EqualTo(new[] { 20, 1, 12, 16 }));
        var v = y.ToFloatArray();
        for (int n = 0; n < 20; n++)
        {
            // Bilinear samples of image n lie within its own range of values.
            float low = (n + 1) * 0.05f, high = low + 27 * 0.02f + 27 * 0.003f;
            Assert.That(v.Skip(n * 192).Take(192), Is.All.InRange(low - 1e-6f, high + 1e-6f));
        }
    }

    [Test]
    public void FullCropAtTheSameSize_IsTheIdentity()
    {
        using var scope = TensorScope.Begin();
        var x = Ramp(3, 2, 7, 9);
        var y = new RandomResizedCrop(7, 9, (1.0, 1.0), (9.0 / 7, 9.0 / 7)).Apply(x, new Random(1));
        Close.Assert(y.ToFloatArray(), x.ToFloatArray(), 1e-6, 0, "identity crop");
    }

    [Test]
    public void Brightness_ScalesTheMean_ContrastZero_FlattensTheImage()
    {
        using var scope = TensorScope.Begin();
        var x = Ramp(2, 1, 4, 4);
        var s = new ImageShape { Batch = 2, Channels = 1, Height = 4, Width = 4, OutHeight = 4, OutWidth = 4 };
        var brighter = Coloring.Run(x, [1.3f, 1, 1, 0, 0, 0.5f, 1, 1, 0, 0], s).ToFloatArray();
        var v = x.ToFloatArray();
        Assert.That(brighter.Take(16).Average(), Is.EqualTo(v.Take(16).Average() * 1.3).Within(1e-5));
        Assert.That(brighter.Skip(16).Average(), Is.EqualTo(v.Skip(16).Average() * 0.5).Within(1e-5));
        var flat = Coloring.Run(x, [1, 0, 1, 0, 0, 1, 0, 1, 0, 0], s).ToFloatArray();
        Assert.That(flat.Take(16), Is.All.EqualTo(v.Take(16).Average()).Within(1e-5));
    }

    [Test]
    public void Grayscale_MakesChannelsEqual_ToTheLuma()
    {
        using var scope = TensorScope.Begin();
        var x = Ramp(1, 3, 2, 2);
        var y = new RandomGrayscale(1.0).Apply(x, new Random(1)).ToFloatArray();
        var v = x.ToFloatArray();
        for (int k = 0; k < 4; k++)
        {
            float luma = 0.299f * v[k] + 0.587f * v[4 + k] + 0.114f * v[8 + k];
            Assert.That(new[] { y[k], y[4 + k], y[8 + k] }, Is.All.EqualTo(luma).Within(1e-5));
        }
    }

    [Test]
    public void Blur_KeepsAConstantImage_AndSmoothsAnEdge()
    {
        using var scope = TensorScope.Begin();
        var values = new float[2 * 8 * 8];
        for (int i = 0; i < 64; i++) values[i] = 0.25f;
        for (int i = 64; i < 128; i++) values[i] = (i - 64) % 8 < 4 ? 0f : 1f;
        var y = new GaussianBlur(5, (1.5, 1.5), p: 1).Apply(Tensor.FromArray(values, 2, 1, 8, 8), new Random(1)).ToFloatArray();
        Assert.That(y.Take(64), Is.All.EqualTo(0.25f).Within(1e-6));
        Assert.That(y[64 + 3], Is.GreaterThan(0.05f).And.LessThan(0.5f), "left of the edge gets lighter");
        Assert.That(y[64 + 4], Is.GreaterThan(0.5f).And.LessThan(0.95f), "right of the edge gets darker");
    }

    [Test]
    public void Erasing_FillsOneRectangle()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Ones([4, 1, 10, 10]);
        var y = new RandomErasing(1.0, value: 0f).Apply(x, new Random(2)).ToFloatArray();
        for (int n = 0; n < 4; n++)
        {
            var zero = Enumerable.Range(0, 100).Where(k => y[n * 100 + k] == 0f).ToList();
            Assert.That(zero, Is.Not.Empty);
            int rows = zero.Select(k => k / 10).Distinct().Count(), cols = zero.Select(k => k % 10).Distinct().Count();
            Assert.That(zero.Count, Is.EqualTo(rows * cols), "a filled rectangle");
        }
    }

    [Test]
    public void SameSeed_SameViews_DifferentSeed_DifferentViews()
    {
        using var scope = TensorScope.Begin();
        var x = Ramp(8, 1, 28, 28);
        var pipeline = Augmentations.Grayscale28();
        var a = pipeline.Views(x, 2, seed: 11).ToFloatArray();
        var b = pipeline.Views(x, 2, seed: 11).ToFloatArray();
        var c = pipeline.Views(x, 2, seed: 12).ToFloatArray();
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
        Assert.That(a.Take(a.Length / 2), Is.Not.EqualTo(a.Skip(a.Length / 2)), "the two views differ");
    }

    [TestCase("simclr")]
    [TestCase("grayscale28")]
    [TestCase("erasing")]
    public void IlgpuCpu_MatchesCpu(string preset)
    {
        var device = Devices.Get("ilgpu-cpu");
        using var scope = TensorScope.Begin();
        IAugmentation pipeline = preset switch
        {
            "simclr" => Augmentations.SimClr(16),
            "grayscale28" => Augmentations.Grayscale28(),
            _ => new AugmentationPipeline(new RandomErasing(0.7), new ColorJitter(0.5, 0.5, 0.5, 0.1)),
        };
        int channels = preset == "grayscale28" ? 1 : 3, size = preset == "grayscale28" ? 28 : 16;
        var expected = pipeline.Apply(Ramp(5, channels, size, size), new Random(4)).ToFloatArray();
        var actual = pipeline.Apply(Ramp(5, channels, size, size, device), new Random(4)).ToFloatArray();
        Close.Assert(actual, expected, 1e-5, 1e-4, $"{preset} on ilgpu-cpu");
    }
}
