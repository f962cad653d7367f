using System.Globalization;
using NativeContrast.Augmentation;
using NativeContrast.Data;
using NativeContrast.Evaluation;
using NativeContrast.Training;

namespace NativeContrast.Tests.Training;

public class TrainerTests
{
    private string folder = null!;

    [SetUp]
    public void SetUp() => folder = Directory.CreateTempSubdirectory("nc-run-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(folder, recursive: true);

    private static TrainingConfig Small(string method) => Small(Names.Parse<TrainingMethod>(method, "method"));

    private static TrainingConfig Small(TrainingMethod method) => new()
    {
        Method = method,
        BatchSize = 32,
        Epochs = method == TrainingMethod.MoCo ? 3 : 2,
        LearningRate = method == TrainingMethod.MoCo ? 0.2 : null,
        Optimizer = Defaults.Optimizer(method),
        Temperature = Defaults.Temperature(method),
        QueueSize = 64,
        Device = "cpu",
        Seed = 3,
    };

    [TestCase("simclr")]
    [TestCase("supcon")]
    [TestCase("triplet")]
    [TestCase("moco")]
    public void OneShortRun_LowersTheLoss_WritesAReloadableCheckpoint_AndEvaluates(string method)
    {
        var data = SyntheticImages.Create(192, 1);
        var test = SyntheticImages.Create(64, 2);
        var config = Small(method);
        using (var trainer = new Trainer(config, Device.Cpu, data))
        {
            Assert.That(trainer.Train(folder, TextWriter.Null), Is.True);
            var losses = File.ReadLines(Path.Combine(folder, "log.csv")).Skip(1)
                .Select(l => double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture)).ToList();
            Assert.That(losses, Has.Count.EqualTo(6 * config.Epochs));
            // MoCo's loss first rises while its queue fills with real keys (2 steps here); compare after that.
            var settled = method == "moco" ? losses.Skip(config.QueueSize / config.BatchSize).ToList() : losses;
            Assert.That(settled.TakeLast(3).Average(), Is.LessThan(settled.Take(3).Average()), string.Join(", ", losses));
            var report = Evaluator.Run(trainer.Encoder, data, test, Device.Cpu);
            Assert.That(report.KnnTop20, Is.GreaterThan(0.5), "4 classes: chance is 0.25");
        }
        var checkpoint = Checkpoint.Load(Path.Combine(folder, Checkpoint.FileName));
        try
        {
            Assert.That((checkpoint.Epoch, checkpoint.Batch, checkpoint.Config.Method), Is.EqualTo((checkpoint.Config.Epochs, 0, Names.Parse<TrainingMethod>(method, "method"))));
            using var encoder = TrainingModels.Encoder(checkpoint.Config, 1, Device.Cpu);
            encoder.LoadStateDict(checkpoint.Section("encoder."));
        }
        finally
        {
            foreach (var t in checkpoint.Tensors.Values) t.Dispose();
        }
    }

    /// <summary>
    /// What a training step reads back to the host (each read waits for a GPU's queued work), nothing per parameter (LARS, SGD,
    /// AdamW) or per layer: the loss for the log and the loss's check of its embeddings (NaN, zero rows); SupCon and triplet
    /// also check their labels, triplet reads each anchor's mined positive and negative (2), MoCo checks queries and keys. Counted on cpu, where
    /// <see cref="Device.HostReads"/> counts exactly as on a GPU; the end-of-epoch checkpoint reads each of its tensors once,
    /// and those reads are taken out. LARS used to read two norms per adapted parameter, 14 more per SimCLR step.
    /// </summary>
    [Test]
    public void Train_ReportsEveryStepToAnIProgress()
    {
        var data = SyntheticImages.Create(96, 1);
        var config = Small("simclr") with { Epochs = 2 };
        using var trainer = new Trainer(config, Device.Cpu, data);
        var reports = new List<TrainingProgress>();
        var progress = new SynchronousProgress(reports.Add);
        Assert.That(trainer.Train(folder, TextWriter.Null, progress: progress), Is.True);
        Assert.That(reports, Has.Count.EqualTo(2 * trainer.StepsPerEpoch));
        var last = reports[^1];
        Assert.That((last.Epoch, last.Epochs, last.Step, last.StepsPerEpoch), Is.EqualTo((2, 2, trainer.StepsPerEpoch, trainer.StepsPerEpoch)));
        Assert.That(reports.All(r => double.IsFinite(r.MeanLoss) && r.ImagesPerSecond > 0 && r.LearningRate >= 0), Is.True);
        Assert.That(last.TimeLeft, Is.EqualTo(TimeSpan.Zero));
    }

    /// <summary>An IProgress that reports on the training thread (Progress&lt;T&gt; posts to a synchronization context).</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    [TestCase("simclr", 2)]
    [TestCase("supcon", 3)]
    [TestCase("triplet", 5)]
    [TestCase("moco", 3)]
    public void ATrainingStep_ReadsAFewValuesBackToTheHost_NotOnePerParameter(string method, int expected)
    {
        var data = SyntheticImages.Create(192, 1);
        var config = Small(method) with { Epochs = 1 };
        using var trainer = new Trainer(config, Device.Cpu, data);
        long before = Device.Cpu.HostReads;
        Assert.That(trainer.Train(folder, TextWriter.Null), Is.True);
        long reads = Device.Cpu.HostReads - before;
        var checkpoint = Checkpoint.Load(Path.Combine(folder, Checkpoint.FileName));
        int checkpointTensors = checkpoint.Tensors.Count;
        foreach (var t in checkpoint.Tensors.Values) t.Dispose();
        double perStep = (reads - checkpointTensors) / 6.0;
        TestContext.Out.WriteLine($"{method}: {perStep} host reads per step ({reads} in all, {checkpointTensors} of them the checkpoint's)");
        Assert.That(perStep, Is.LessThanOrEqualTo(expected), $"{method}: {perStep} host reads per step");
    }

    [Test]
    public void ResNet18Encoder_TrainsAFewSteps_AndItsLossGoesDown()
    {
        var data = SyntheticImages.Create(32, 1);
        var config = Small("simclr") with { Encoder = EncoderKind.ResNet18, BatchSize = 16, Epochs = 3, Optimizer = OptimizerKind.AdamW, LearningRate = 1e-3 };
        using var trainer = new Trainer(config, Device.Cpu, data);
        Assert.That(trainer.Encoder.ParameterCount, Is.GreaterThan(11_000_000), "ResNet-18 has about 11.2M parameters");
        Assert.That(trainer.Train(folder, TextWriter.Null), Is.True);
        var losses = File.ReadLines(Path.Combine(folder, "log.csv")).Skip(1)
            .Select(l => double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture)).ToList();
        Assert.That(losses, Has.Count.EqualTo(6));
        Assert.That(losses.All(double.IsFinite), Is.True);
        Assert.That(losses.TakeLast(2).Average(), Is.LessThan(losses.Take(2).Average()), string.Join(", ", losses));
    }

    [TestCase("simclr")]
    [TestCase("moco")]
    public void ResumedRun_EndsWithTheSameWeights_AsAnUninterruptedOne(string method)
    {
        var data = SyntheticImages.Create(96, 4);
        var config = Small(method);
        float[][] Weights(Trainer t) => t.Encoder.Parameters().Concat(t.Head.Parameters()).Select(p => p.ToFloatArray()).ToArray();

        string straight = Path.Combine(folder, "straight"), interrupted = Path.Combine(folder, "interrupted");
        float[][] expected;
        using (var trainer = new Trainer(config, Device.Cpu, data))
        {
            trainer.Train(straight, TextWriter.Null);
            expected = Weights(trainer);
        }
        using (var cancelled = new CancellationTokenSource())
        using (var trainer = new Trainer(config, Device.Cpu, data))
        {
            cancelled.Cancel(); // stops after the first step, mid-epoch
            Assert.That(trainer.Train(interrupted, TextWriter.Null, cancelled.Token), Is.False);
        }
        var checkpoint = Checkpoint.Load(Path.Combine(interrupted, Checkpoint.FileName));
        using (var trainer = new Trainer(config, Device.Cpu, data))
        {
            Assert.That((checkpoint.Epoch, checkpoint.Batch), Is.EqualTo((0, 1)));
            trainer.Restore(checkpoint);
            foreach (var t in checkpoint.Tensors.Values) t.Dispose();
            Assert.That(trainer.Train(interrupted, TextWriter.Null, default, checkpoint.Epoch, checkpoint.Batch), Is.True);
            var actual = Weights(trainer);
            for (int i = 0; i < expected.Length; i++) Assert.That(actual[i], Is.EqualTo(expected[i]), $"parameter {i}");
        }
    }

    [Test]
    public void Checkpoint_RoundTripsBitwise()
    {
        var data = SyntheticImages.Create(64, 5);
        using var trainer = new Trainer(Small("simclr"), Device.Cpu, data);
        trainer.SaveCheckpoint(folder, 0, 0);
        var checkpoint = Checkpoint.Load(Path.Combine(folder, Checkpoint.FileName));
        try
        {
            foreach (var (name, p) in trainer.Encoder.StateDict())
                Assert.That(checkpoint.Tensors["encoder." + name].ToFloatArray(), Is.EqualTo(p.ToFloatArray()), name);
            Assert.That(Directory.GetFiles(folder, "*.tmp-*"), Is.Empty, "written through a temporary file");
        }
        finally
        {
            foreach (var t in checkpoint.Tensors.Values) t.Dispose();
        }
    }

    [Test]
    public void TruncatedOrCorruptCheckpoint_GivesAClearError()
    {
        var data = SyntheticImages.Create(64, 5);
        using (var trainer = new Trainer(Small("simclr"), Device.Cpu, data)) trainer.SaveCheckpoint(folder, 0, 0);
        var path = Path.Combine(folder, Checkpoint.FileName);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("truncated or corrupt"));
        File.WriteAllBytes(path, [.. bytes[..8], .. "{not json"u8.ToArray(), .. bytes[17..]]);
        e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        Assert.That(e!.Message, Does.Contain("not valid JSON"));
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.That(Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path))!.Message, Does.Contain("not a safetensors file"));
    }

    [Test]
    public void BadConfig_NamesTheSetting()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => Small("byol"))!.Message, Does.Contain("byol"));
        Assert.That(Assert.Throws<ArgumentException>(() => (Small("simclr") with { Method = (TrainingMethod)9 }).Validate())!.Message, Does.Contain("method"));
        Assert.That(Assert.Throws<ArgumentException>(() => (Small("moco") with { QueueSize = 8 }).Validate())!.Message, Does.Contain("queue"));
        Assert.That(Assert.Throws<ArgumentException>(() => (Small("supcon") with { CropMinScale = 0 }).Validate())!.Message, Does.Contain("crop"));
        Assert.That(Assert.Throws<ArgumentException>(() => (Small("supcon") with { CropMinScale = 1.5 }).Validate())!.Message, Does.Contain("crop"));
    }

    [Test]
    public void Augmentation_CropsWithTheConfigsMinimumScale_OrTheMethodsDefault()
    {
        static (double, double) CropScale(TrainingConfig config, ImageDataset data) =>
            Trainer.Augmentation(config, data).Steps.OfType<RandomResizedCrop>().Single().Scale;
        var small = SyntheticImages.Create(4, seed: 1);
        var large = new ImageDataset(new byte[4 * 3 * 32 * 32], new int[4], 3, 32, 32, ["a"]);
        Assert.That(CropScale(Small("simclr"), small), Is.EqualTo((0.4, 1.0)));
        Assert.That(CropScale(Small("moco"), small), Is.EqualTo((0.2, 1.0)));
        Assert.That(CropScale(Small("supcon"), small), Is.EqualTo((0.5, 1.0)));
        Assert.That(CropScale(Small("simclr") with { CropMinScale = 0.35 }, small), Is.EqualTo((0.35, 1.0)));
        Assert.That(CropScale(Small("supcon") with { CropMinScale = 0.2 }, small), Is.EqualTo((0.2, 1.0)));
        Assert.That(CropScale(Small("simclr"), large), Is.EqualTo((0.08, 1.0)));
        Assert.That(CropScale(Small("simclr") with { CropMinScale = 0.3 }, large), Is.EqualTo((0.3, 1.0)));
    }
}
