using System.Diagnostics;
using NativeContrast.IO;
using NativeContrast.Nn;

namespace NativeContrast.Tests.Nn;

/// <summary>
/// ResNet-18 weights to and from PyTorch under torchvision's names. The fixture is made at test time by the committed
/// script <c>Fixtures/torchvision/resnet18_interop.py</c> (a torchvision-layout ResNet-18 with seeded random weights,
/// saved as F32, F16 and BF16 safetensors, and its features on a fixed input; 90 MB, so not committed), which also
/// loads this engine's export back in PyTorch. Without a Python that has PyTorch those two tests are skipped and say so.
/// </summary>
public class TorchVisionInteropTests
{
    private const double Tolerance = 1e-4;
    private static readonly string Script = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "torchvision", "resnet18_interop.py");

    private string folder = null!;

    [SetUp]
    public void SetUp() => folder = Directory.CreateTempSubdirectory("nc-torchvision-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(folder, recursive: true);

    [TestCase("f32")]
    [TestCase("f16")]
    [TestCase("bf16")]
    public void TorchVisionWeights_LoadAndGiveTorchsFeatures(string precision)
    {
        RunScript("make", folder);
        using var model = new ResNet18(3, stem: ResNetStem.Standard);
        var report = TorchVisionResNet.Load(model, Path.Combine(folder, $"weights-{precision}.safetensors"), strict: false);
        Assert.That(report.MissingKeys, Is.Empty);
        Assert.That(report.UnexpectedKeys, Is.EquivalentTo(new[] { "fc.weight", "fc.bias" }), "num_batches_tracked is accepted, fc reported");
        var features = Features(model, Path.Combine(folder, "input.npy"));
        var expected = NpyFile.Read(Path.Combine(folder, $"features-{precision}.npy")).ToFloatArray();
        double difference = MaxAbsDifference(features, expected);
        TestContext.Out.WriteLine($"{precision}: max abs difference {difference:G3} (features up to {expected.Max(Math.Abs):G3})");
        Assert.That(difference, Is.LessThanOrEqualTo(Tolerance));
    }

    [Test]
    public void OurExport_LoadsInPyTorch_AndGivesOurFeatures()
    {
        RunScript("make", folder);   // for input.npy
        using var model = new ResNet18(3, seed: 21, stem: ResNetStem.Standard);
        Randomize(model, 22);
        TorchVisionResNet.Save(model, Path.Combine(folder, "ours.safetensors"));
        NpyFile.Write(Path.Combine(folder, "ours-features.npy"), Features(model, Path.Combine(folder, "input.npy")), [2, 512]);
        var output = RunScript("check", folder);
        Assert.That(output, Does.StartWith("max abs difference"));
        TestContext.Out.WriteLine(output);
    }

    [Test]
    public void Names_FollowTorchVision_ForBothStems()
    {
        using var standard = new ResNet18(3, stem: ResNetStem.Standard);
        var names = TorchVisionResNet.Names(standard);
        Assert.That(names["features.0.weight"], Is.EqualTo("conv1.weight"));
        Assert.That(names["features.1.running_var"], Is.EqualTo("bn1.running_var"));
        Assert.That(names["features.4.conv1.weight"], Is.EqualTo("layer1.0.conv1.weight"));
        Assert.That(names["features.6.shortcut.0.weight"], Is.EqualTo("layer2.0.downsample.0.weight"));
        Assert.That(names["features.6.shortcut.1.running_mean"], Is.EqualTo("layer2.0.downsample.1.running_mean"));
        Assert.That(names["features.11.bn2.bias"], Is.EqualTo("layer4.1.bn2.bias"));
        Assert.That(names.Values.Where(n => n.Contains("downsample")).Select(n => n.Split('.')[0]).Distinct(), Is.EqualTo(new[] { "layer2", "layer3", "layer4" }));
        using var cifar = new ResNet18(3);
        Assert.That(TorchVisionResNet.Names(cifar)["features.3.conv1.weight"], Is.EqualTo("layer1.0.conv1.weight"));
        Assert.That(TorchVisionResNet.Names(cifar).Values, Is.Unique);

        var state = TorchVisionResNet.StateDict(standard);
        Assert.That(state.Keys.Count(k => k.EndsWith(".num_batches_tracked")), Is.EqualTo(20), "one per batch norm");
        Assert.That(state["conv1.weight"].Shape, Is.EqualTo(new[] { 64, 3, 7, 7 }));
        foreach (var (name, t) in state.Where(p => p.Key.EndsWith("num_batches_tracked"))) t.Dispose();
    }

    [Test]
    public void SaveThenLoad_RoundTrips_AndStrictRefusesAMissingName()
    {
        using var a = new ResNet18(1, seed: 3, stem: ResNetStem.Standard);
        Randomize(a, 4);
        var path = Path.Combine(folder, "w.safetensors");
        TorchVisionResNet.Save(a, path);
        using var b = new ResNet18(1, seed: 5, stem: ResNetStem.Standard);
        Assert.That(TorchVisionResNet.Load(b, path).IsComplete, Is.True);
        foreach (var (name, t) in a.StateDict())
            Assert.That(b.StateDict()[name].ToFloatArray(), Is.EqualTo(t.ToFloatArray()), name);

        var (tensors, _) = SafeTensors.Read(path);
        Assert.That(tensors["bn1.num_batches_tracked"].Shape, Is.Empty, "a scalar, as PyTorch's");
        tensors.Remove("layer4.1.bn2.running_var", out var removed);
        removed!.Dispose();
        var e = Assert.Throws<ArgumentException>(() => TorchVisionResNet.LoadStateDict(b, tensors));
        Assert.That(e!.Message, Does.Contain("missing [layer4.1.bn2.running_var]"));
        var report = TorchVisionResNet.LoadStateDict(b, tensors, strict: false);
        Assert.That(report.MissingKeys, Is.EqualTo(new[] { "layer4.1.bn2.running_var" }));
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Test]
    public void AWrongStem_IsAShapeError()
    {
        using var a = new ResNet18(3, stem: ResNetStem.Standard);
        var path = Path.Combine(folder, "w.safetensors");
        TorchVisionResNet.Save(a, path);
        using var cifar = new ResNet18(3);
        var e = Assert.Throws<ArgumentException>(() => TorchVisionResNet.Load(cifar, path));
        Assert.That(e!.Message, Does.Contain("'features.0.weight' has shape [64, 3, 7, 7], the module expects [64, 3, 3, 3]"));
    }

    [TestCase(32, ResNetStem.Cifar)]
    [TestCase(64, ResNetStem.Cifar)]
    [TestCase(96, ResNetStem.Standard)]
    [TestCase(224, ResNetStem.Standard)]
    public void Training_TakesTorchVisionsStem_From96Pixels(int size, ResNetStem stem)
    {
        var config = new NativeContrast.Training.TrainingConfig { Dataset = "/photos", ImageSize = size, Encoder = NativeContrast.Training.EncoderKind.ResNet18 };
        using var encoder = (ResNet18)NativeContrast.Training.TrainingModels.Encoder(config, 3, Device.Cpu);
        Assert.That(encoder.Stem, Is.EqualTo(stem));
    }

    [Test]
    public void NonStrictLoad_ReportsInsteadOfThrowing()
    {
        using var small = new SmallCnn(1);
        var state = small.StateDict().Where(p => p.Key != "features.1.weight").ToDictionary(p => p.Key, p => p.Value);
        using var extra = Tensor.Unscoped<float>([1f], [1], Device.Cpu, DType.Float32);
        state["head.bias"] = extra;
        using var target = new SmallCnn(1, seed: 9);
        Assert.Throws<ArgumentException>(() => target.LoadStateDict(state));
        var report = target.LoadStateDict(state, strict: false);
        Assert.That((report.MissingKeys, report.UnexpectedKeys), Is.EqualTo((new[] { "features.1.weight" }, new[] { "head.bias" })));
        Assert.That(target.StateDict()["features.0.weight"].ToFloatArray(), Is.EqualTo(small.StateDict()["features.0.weight"].ToFloatArray()));
    }

    private static float[] Features(ResNet18 model, string inputPath)
    {
        model.Eval();
        var input = NpyFile.Read(inputPath);
        using var scope = TensorScope.Begin();
        using var noGrad = GradMode.NoGrad();
        return model.Forward(Tensor.FromArray(input.ToFloatArray(), input.Shape.ToArray())).ToFloatArray();
    }

    private static void Randomize(Module module, int seed)
    {
        var rng = new Random(seed);
        using var noGrad = GradMode.NoGrad();
        foreach (var norm in module.Modules().OfType<BatchNorm>())
            foreach (var (t, low, width) in new[] { (norm.Weight, 0.5, 1.0), (norm.Bias, -0.2, 0.4), (norm.RunningMean, -0.2, 0.4), (norm.RunningVar, 0.5, 1.5) })
            {
                using var scope = TensorScope.Begin();
                t.CopyFrom(Tensor.FromArray(Enumerable.Range(0, t.Count).Select(_ => (float)(low + width * rng.NextDouble())).ToArray(), t.Shape.ToArray()));
            }
    }

    private static double MaxAbsDifference(float[] a, float[] b)
    {
        Assert.That(a, Has.Length.EqualTo(b.Length));
        return a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
    }

    /// <summary>Runs the fixture script with a Python that has PyTorch; skips the test, saying why, when there is none.</summary>
    private static string RunScript(string verb, string dir)
    {
        var python = PythonWithTorch.Value;
        if (python is null)
            Assert.Ignore("No Python with PyTorch (Debian: apt-get install python3-torch; .ci/run installs it): the torchvision interop fixture is made by Fixtures/torchvision/resnet18_interop.py at test time.");
        var start = new ProcessStartInfo(python!, [Script, verb, dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), $"resnet18_interop.py {verb}: {stdout.Result} {stderr}");
        return stdout.Result;
    }

    private static readonly Lazy<string?> PythonWithTorch = new(() =>
    {
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                using var p = Process.Start(new ProcessStartInfo(candidate, ["-c", "import torch, numpy"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
                p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed
            }
        }
        return null;
    });
}
