using NativeContrast.Nn;
using NativeContrast.Training;

namespace NativeContrast.Tests.Nn;

/// <summary>
/// <see cref="GridAvgPool2d"/>: each channel's mean over each cell of a g×g grid, flattened channel by channel, with
/// PyTorch's adaptive cells (⌈H/g⌉ wide, ⌊H/g⌋ apart) on odd maps; and the training config's pooling grid, read as 1
/// (global pooling) from configs written before it existed.
/// </summary>
public class GridAvgPool2dTests
{
    [TestCase(4, 2)]
    [TestCase(3, 2)]
    [TestCase(5, 2)]
    [TestCase(6, 3)]
    [TestCase(4, 1)]
    public void Forward_IsTheMeanOfEachCell(int size, int grid)
    {
        var rng = new Random(size * 10 + grid);
        var values = Enumerable.Range(0, 2 * 3 * size * size).Select(_ => (float)rng.NextDouble()).ToArray();
        using var scope = TensorScope.Begin();
        var y = new GridAvgPool2d(grid).Forward(Tensor.FromArray(values, [2, 3, size, size])).ToFloatArray();
        Assert.That(y, Has.Length.EqualTo(2 * 3 * grid * grid));
        int kernel = (size + grid - 1) / grid, stride = size / grid;
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (int gy = 0; gy < grid; gy++)
                    for (int gx = 0; gx < grid; gx++)
                    {
                        double sum = 0;
                        for (int dy = 0; dy < kernel; dy++)
                            for (int dx = 0; dx < kernel; dx++)
                                sum += values[((n * 3 + c) * size + gy * stride + dy) * size + gx * stride + dx];
                        Assert.That(y[((n * 3 + c) * grid + gy) * grid + gx], Is.EqualTo(sum / (kernel * kernel)).Within(1e-5), $"n {n} c {c} cell {gy},{gx}");
                    }
    }

    [Test]
    public void AMapSmallerThanTheGrid_IsRefusedByName()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => new GridAvgPool2d(3).Forward(Tensor.Zeros([1, 2, 2, 2])));
        Assert.That(e!.Message, Does.Contain("GridAvgPool2d(3) needs a feature map of at least 3×3"));
    }

    [Test]
    public void SmallCnnFeatures_FollowTheGrid()
    {
        using var global = new SmallCnn(1);
        using var grid = new SmallCnn(1, poolingGrid: 2);
        using var scope = TensorScope.Begin();
        var x = Tensor.RandomUniform([3, 1, 28, 28], 1);
        Assert.That((global.OutputFeatures, grid.OutputFeatures), Is.EqualTo((128, 512)));
        Assert.That(grid.Eval().Forward(x).Shape, Is.EqualTo(new[] { 3, 512 }));
        var config = new TrainingConfig();
        Assert.That((config.EffectivePoolingGrid, TrainingModels.Features(config)), Is.EqualTo((2, 512)), "the default");
        Assert.That(TrainingModels.Features(config with { Encoder = EncoderKind.ResNet18 }), Is.EqualTo(512), "ResNet-18 pools globally");
    }

    [Test]
    public void AConfigWrittenBeforeTheGrid_ReadsAsGlobalPooling()
    {
        var written = System.Text.Json.JsonSerializer.Serialize(new TrainingConfig { Epochs = 3 });
        Assert.That(TrainingConfig.FromJson(written).EffectivePoolingGrid, Is.EqualTo(2), "null: the default");
        var old = System.Text.RegularExpressions.Regex.Replace(written, "\"PoolingGrid\":null,?", "");
        Assert.That(old, Does.Not.Contain("PoolingGrid"));
        Assert.That(TrainingConfig.FromJson(old).EffectivePoolingGrid, Is.EqualTo(1), "what the run trained");
        Assert.Throws<ArgumentException>(() => new TrainingConfig { Encoder = EncoderKind.ResNet18, PoolingGrid = 2 }.Validate());
    }
}
