using NativeContrast.Nn;

namespace NativeContrast.Tests.Nn;

public class ModuleTests
{
    [Test]
    public void SmallCnnWithHead_Has164064Parameters()
    {
        using var encoder = new SmallCnn();
        using var head = new ProjectionHead(128, 128, 64);
        Assert.That(encoder.ParameterCount + head.ParameterCount, Is.EqualTo(164_064));
    }

    [Test]
    public void SmallCnn_MapsImagesTo128Features()
    {
        using var scope = TensorScope.Begin();
        using var encoder = new SmallCnn();
        Assert.That(encoder.Forward(Tensor.RandomNormal([3, 1, 28, 28], 1)).Shape, Is.EqualTo(new[] { 3, 128 }));
    }

    [Test]
    public void ResNet18_MapsSmallImagesTo512Features_WithTheUsualParameterCount()
    {
        using var scope = TensorScope.Begin();
        using var net = new ResNet18(3);
        // torchvision's resnet18 without fc (11,176,512) minus its 7×7 stem (9,408) plus a 3×3 stem (1,728).
        Assert.That(net.ParameterCount, Is.EqualTo(11_168_832));
        using var noGrad = GradMode.NoGrad();
        Assert.That(net.Forward(Tensor.RandomNormal([2, 3, 16, 16], 1)).Shape, Is.EqualTo(new[] { 2, 512 }));
    }

    [Test]
    public void StateDict_NamesNest_AndRoundTripsIntoAFreshModel()
    {
        using var scope = TensorScope.Begin();
        using var a = new SmallCnn(seed: 1);
        using var b = new SmallCnn(seed: 2);
        var names = a.StateDict().Keys.ToList();
        Assert.That(names, Does.Contain("features.0.weight").And.Contain("features.1.running_mean").And.Contain("features.13.running_var"));
        var x = Tensor.RandomNormal([2, 1, 28, 28], 3);
        a.Eval();
        b.Eval();
        Assert.That(b.Forward(x).ToFloatArray(), Is.Not.EqualTo(a.Forward(x).ToFloatArray()));
        b.LoadStateDict(a.StateDict());
        Assert.That(b.Forward(x).ToFloatArray(), Is.EqualTo(a.Forward(x).ToFloatArray()));
    }

    [Test]
    public void LoadStateDict_OfAnotherModel_NamesWhatIsMissing()
    {
        using var cnn = new SmallCnn();
        using var head = new ProjectionHead();
        var e = Assert.Throws<ArgumentException>(() => cnn.LoadStateDict(head.StateDict()));
        Assert.That(e!.Message, Does.Contain("missing [features.0.weight"));
    }

    [Test]
    public void Dropout_DropsAndRescalesInTraining_IsIdentityInEval()
    {
        using var scope = TensorScope.Begin();
        var dropout = new Dropout(0.25, seed: 3);
        var x = Tensor.Ones([1000]);
        var y = dropout.Forward(x).ToFloatArray();
        Assert.That(y.Count(v => v == 0), Is.InRange(200, 300));
        Assert.That(y.Where(v => v != 0), Is.All.EqualTo(1 / 0.75f).Within(1e-6));
        dropout.Eval();
        Assert.That(dropout.Forward(x).ToFloatArray(), Is.All.EqualTo(1f));
    }

    [Test]
    public void ModuleDispose_FreesItsTensors()
    {
        long before = Device.Cpu.LiveBuffers;
        var net = new SmallCnn();
        Assert.That(Device.Cpu.LiveBuffers, Is.GreaterThan(before));
        net.Dispose();
        Assert.That(Device.Cpu.LiveBuffers, Is.EqualTo(before));
    }
}
