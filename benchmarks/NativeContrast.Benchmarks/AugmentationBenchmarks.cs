using BenchmarkDotNet.Attributes;
using NativeContrast.Augmentation;

namespace NativeContrast.Benchmarks;

/// <summary>
/// Producing two augmented views of 512 images of 28×28 (the SimCLR step's input) on <c>cpu</c>, with
/// the grayscale preset and with SimCLR's full pipeline, to compare with the training step's time.
/// </summary>
[MemoryDiagnoser]
public class AugmentationBenchmarks
{
    private Tensor images = null!;
    private readonly AugmentationPipeline grayscale = Augmentations.Grayscale28();
    private readonly AugmentationPipeline simclr = Augmentations.SimClr(28);
    private int seed;

    [GlobalSetup]
    public void Setup() => images = Tensor.RandomUniform([512, 1, 28, 28], 1);

    [GlobalCleanup]
    public void Cleanup() => images.Dispose();

    [Benchmark(Description = "2 views x 512 images 28x28, grayscale28 preset, cpu")]
    public void Grayscale28()
    {
        using var scope = TensorScope.Begin();
        grayscale.Views(images, 2, seed++);
    }

    [Benchmark(Description = "2 views x 512 images 28x28, simclr preset, cpu")]
    public void SimClr()
    {
        using var scope = TensorScope.Begin();
        simclr.Views(images, 2, seed++);
    }
}
