namespace NativeContrast.Tests.Autograd;

public class TensorTests
{
    [Test]
    public void RoundTrip_PreservesValuesAndShape()
    {
        using var t = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Assert.That(t.Shape, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(t.ToFloatArray(), Is.EqualTo(new[] { 1f, 2f, 3f, 4f, 5f, 6f }));
    }

    [Test]
    public void Rows_IsAViewOfTheRightElements()
    {
        using var scope = TensorScope.Begin();
        var t = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 3, 2);
        Assert.That(t.Rows(1, 2).ToFloatArray(), Is.EqualTo(new[] { 3f, 4f, 5f, 6f }));
        Assert.That(t.Rows(1, 2).Rows(1, 1).ToFloatArray(), Is.EqualTo(new[] { 5f, 6f }));
    }

    [Test]
    public void Transpose_Concat_Slice_Gather_ProduceExpectedValues()
    {
        using var scope = TensorScope.Begin();
        var t = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Assert.That(t.Transpose().ToFloatArray(), Is.EqualTo(new[] { 1f, 4f, 2f, 5f, 3f, 6f }));
        Assert.That(Tensor.Concat([t, t], 1).ToFloatArray(), Is.EqualTo(new[] { 1f, 2f, 3f, 1f, 2f, 3f, 4f, 5f, 6f, 4f, 5f, 6f }));
        Assert.That(t.Slice(1, 1, 2).ToFloatArray(), Is.EqualTo(new[] { 2f, 3f, 5f, 6f }));
        Assert.That(t.Gather(1, Tensor.FromArray([2, 0], 2)).ToFloatArray(), Is.EqualTo(new[] { 3f, 1f, 6f, 4f }));
    }

    [Test]
    public void Reductions_ProduceExpectedValues()
    {
        using var scope = TensorScope.Begin();
        var t = Tensor.FromArray([1f, 5f, 3f, 4f, 2f, 6f], 2, 3);
        Assert.That(t.Sum(0).ToFloatArray(), Is.EqualTo(new[] { 5f, 7f, 9f }));
        Assert.That(t.Sum(1).ToFloatArray(), Is.EqualTo(new[] { 9f, 12f }));
        Assert.That(t.Mean().Item(), Is.EqualTo(3.5).Within(1e-6));
        Assert.That(t.Max(1).ToFloatArray(), Is.EqualTo(new[] { 5f, 6f }));
        Assert.That(t.Max().Item(), Is.EqualTo(6.0));
    }

    [Test]
    public void CrossEntropy_MatchesHandComputedValue()
    {
        using var scope = TensorScope.Begin();
        var logits = Tensor.FromArray([1.0, 2.0, 3.0, 1.0, 1.0, 1.0], 2, 3);
        var loss = Tensor.CrossEntropy(logits, Tensor.FromArray([2, 0], 2)).Item();
        double row0 = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)) - 3;
        double row1 = Math.Log(3);
        Assert.That(loss, Is.EqualTo((row0 + row1) / 2).Within(1e-12));
    }

    [Test]
    public void LogSoftmax_IsStableForLargeLogits()
    {
        using var scope = TensorScope.Begin();
        var y = Tensor.FromArray([1000f, 1000f], 1, 2).LogSoftmax().ToFloatArray();
        Assert.That(y, Is.EqualTo(new[] { -MathF.Log(2), -MathF.Log(2) }).Within(1e-6));
    }

    [Test]
    public void L2Normalize_GivesUnitRows()
    {
        using var scope = TensorScope.Begin();
        var y = Tensor.FromArray([3f, 4f, 0f, 0f], 2, 2).L2NormalizeRows().ToFloatArray();
        Assert.That(y, Is.EqualTo(new[] { 0.6f, 0.8f, 0f, 0f }).Within(1e-7));
    }

    [Test]
    public void To_CopiesAcrossDevices()
    {
        var other = Support.Devices.Get("ilgpu-cpu");
        using var scope = TensorScope.Begin();
        var t = Tensor.FromArray([1f, 2f, 3f], 3);
        Assert.That(t.To(other).Device, Is.SameAs(other));
        Assert.That(t.To(other).To(Device.Cpu).ToFloatArray(), Is.EqualTo(new[] { 1f, 2f, 3f }));
    }
}
