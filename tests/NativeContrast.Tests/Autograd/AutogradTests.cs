namespace NativeContrast.Tests.Autograd;

public class AutogradTests
{
    [Test]
    public void Backward_AccumulatesAcrossCalls()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1.0, 2.0, 3.0], [3], Device.Cpu, requiresGrad: true);
        (x * x).Sum().Backward();
        (x * 3.0).Sum().Backward();
        Assert.That(x.Grad!.ToDoubleArray(), Is.EqualTo(new[] { 2 + 3.0, 4 + 3.0, 6 + 3.0 }));
    }

    [Test]
    public void Backward_SumsGradientsWhereATensorIsUsedTwice()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([2.0], [1], Device.Cpu, requiresGrad: true);
        var y = x * x + x.Exp() * x; // dy/dx = 2x + eˣ + x·eˣ
        y.Sum().Backward();
        Assert.That(x.Grad!.Item(), Is.EqualTo(4 + Math.Exp(2) * 3).Within(1e-12));
    }

    [Test]
    public void NoGrad_RecordsNothing()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1.0f, 2.0f], [2], Device.Cpu, requiresGrad: true);
        Tensor y;
        using (GradMode.NoGrad()) y = (x * x).Sum();
        Assert.That(y.RequiresGrad, Is.False);
        Assert.That(y.IsLeaf, Is.True);
        Assert.Throws<InvalidOperationException>(() => y.Backward());
    }

    [Test]
    public void Detach_CutsTheGraphButSharesStorage()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([3.0f], [1], Device.Cpu, requiresGrad: true);
        var y = x * 2.0;
        var d = y.Detach();
        Assert.That(d.RequiresGrad, Is.False);
        Assert.That(d.IsLeaf, Is.True);
        Assert.That(d.Item(), Is.EqualTo(6.0));
        (d * x).Sum().Backward();
        Assert.That(x.Grad!.Item(), Is.EqualTo(6.0), "only the direct path contributes");
    }

    [Test]
    public void Backward_OnNonScalar_NamesTheShape()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1f, 2f], [2], Device.Cpu, requiresGrad: true);
        var e = Assert.Throws<InvalidOperationException>(() => (x * 2.0).Backward());
        Assert.That(e!.Message, Does.Contain("[2]"));
    }

    [Test]
    public void Backward_WithSeed_UsesIt()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1.0, 2.0], [2], Device.Cpu, requiresGrad: true);
        (x * 3.0).Backward(Tensor.FromArray([1.0, 10.0], [2]));
        Assert.That(x.Grad!.ToDoubleArray(), Is.EqualTo(new[] { 3.0, 30.0 }));
    }

    [Test]
    public void RequiresGrad_CannotBeSetOnANonLeaf()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1f], [1], Device.Cpu, requiresGrad: true);
        var y = x * 2.0;
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
    }

    [Test]
    public void ZeroGrad_ClearsTheGradient()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1f], [1], Device.Cpu, requiresGrad: true);
        (x * 2.0).Sum().Backward();
        x.ZeroGrad();
        Assert.That(x.Grad, Is.Null);
    }
}
