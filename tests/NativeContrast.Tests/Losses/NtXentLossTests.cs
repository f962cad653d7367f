using NativeContrast.Losses;
using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Losses;

/// <summary>The fused NT-Xent against the same loss composed from primitive ops (materialized N×N matrix).</summary>
public class NtXentLossTests
{
    /// <summary>normalize → S = z·zᵀ/τ → diagonal masked to −10⁹ → cross-entropy against the positive index.</summary>
    private static Tensor Composed(Tensor z, int[] positives, double tau, bool normalize)
    {
        int n = z.Shape[0];
        var zn = normalize ? z.L2NormalizeRows() : z;
        var s = Tensor.Matmul(zn, zn, transposeB: true) * (1.0 / tau);
        var mask = new double[n * n];
        for (int i = 0; i < n; i++) mask[i * n + i] = -1e9;
        var masked = s + Tensor.FromArray(mask, [n, n], z.Device).ToDType(z.DType);
        return Tensor.CrossEntropy(masked, Tensor.FromArray(positives, [n], z.Device));
    }

    private static (double Loss, double[] Grad) Run(Func<Tensor, Tensor> loss, double[] values, int[] shape)
    {
        using var scope = TensorScope.Begin();
        var z = Tensor.FromArray(values, shape, Device.Cpu, requiresGrad: true);
        var l = loss(z);
        l.Backward();
        return (l.Item(), z.Grad!.ToDoubleArray());
    }

    [TestCase(8, 5, 0.5, true)]
    [TestCase(64, 16, 0.1, true)]
    [TestCase(300, 33, 0.2, true)]
    [TestCase(40, 7, 0.07, false)]
    [TestCase(600, 128, 0.01, true)]
    public void Fused_EqualsComposed_ForwardAndBackward(int n, int d, double tau, bool normalize)
    {
        var values = Tensor.RandomNormal([n, d], n + d, Device.Cpu, DType.Float64).ToDoubleArray();
        if (!normalize) values = values.Select(v => v * 0.3).ToArray();
        int half = n / 2;
        var positives = Enumerable.Range(0, n).Select(i => i < half ? i + half : i - half).ToArray();
        var fused = Run(z => new NtXentLoss(tau, normalize).Forward(z), values, [n, d]);
        var composed = Run(z => Composed(z, positives, tau, normalize), values, [n, d]);
        Assert.That(fused.Loss, Is.EqualTo(composed.Loss).Within(1e-9 * Math.Max(1, Math.Abs(composed.Loss))));
        Close.Assert(fused.Grad, composed.Grad, 1e-10, 1e-7, "dL/dz");
    }

    [Test]
    public void Fused_Float32_MatchesFloat64()
    {
        using var scope = TensorScope.Begin();
        var z64 = Tensor.RandomNormal([500, 64], 3, Device.Cpu, DType.Float64);
        var z32 = z64.ToDType(DType.Float32);
        z64.RequiresGrad = true;
        z32.RequiresGrad = true;
        var l64 = new NtXentLoss(0.1).Forward(z64);
        var l32 = new NtXentLoss(0.1).Forward(z32);
        l64.Backward();
        l32.Backward();
        Assert.That(l32.Item(), Is.EqualTo(l64.Item()).Within(1e-5 * l64.Item()));
        Close.Assert(z32.Grad!.ToDoubleArray(), z64.Grad!.ToDoubleArray(), 1e-6, 1e-3, "float32 gradient");
    }

    [Test]
    public void DuplicatedRowsAtTinyTemperature_StayFinite()
    {
        using var scope = TensorScope.Begin();
        var row = Enumerable.Range(0, 8).Select(i => (float)Math.Sin(i)).ToArray();
        var z = Tensor.FromArray(Enumerable.Repeat(row, 6).SelectMany(r => r).ToArray(), [6, 8], Device.Cpu, requiresGrad: true);
        var loss = new NtXentLoss(0.01).Forward(z);
        loss.Backward();
        // All rows equal: every logit is 1/τ, so the loss is ln(N − 1) exactly.
        Assert.That(loss.Item(), Is.EqualTo(Math.Log(5)).Within(1e-4));
        Assert.That(z.Grad!.ToFloatArray().All(float.IsFinite), Is.True);
    }

    [TestCase(0.0)]
    [TestCase(-0.1)]
    [TestCase(double.NaN)]
    public void NonPositiveTemperature_IsRejected(double tau)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new NtXentLoss(tau));
        Assert.That(e!.Message, Does.Contain("temperature"));
    }

    [Test]
    public void NaNInput_NamesTheRow()
    {
        using var scope = TensorScope.Begin();
        var values = new float[4 * 3];
        for (int i = 0; i < values.Length; i++) values[i] = i + 1;
        values[7] = float.NaN;
        var e = Assert.Throws<NonFiniteInputException>(() => new NtXentLoss().Forward(Tensor.FromArray(values, 4, 3)));
        Assert.That(e!.Message, Does.Contain("row 2").And.Contain("NaN"));
    }

    [Test]
    public void ZeroNormRow_IsRejectedWhenNormalizing()
    {
        using var scope = TensorScope.Begin();
        var values = new float[] { 1, 2, 0, 0, 3, 4, 5, 6 };
        var e = Assert.Throws<ArgumentException>(() => new NtXentLoss().Forward(Tensor.FromArray(values, 4, 2)));
        Assert.That(e!.Message, Does.Contain("row 1").And.Contain("zero norm"));
    }

    [Test]
    public void OddRowCountWithoutPositives_SaysWhy()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => new NtXentLoss().Forward(Tensor.RandomNormal([5, 3], 1)));
        Assert.That(e!.Message, Does.Contain("even"));
    }

    [Test]
    public void RowThatIsItsOwnPositive_IsRejected()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => new NtXentLoss().Forward(Tensor.RandomNormal([3, 3], 1), Tensor.FromArray([1, 1, 0], 3)));
        Assert.That(e!.Message, Does.Contain("row 1 is its own positive"));
    }

    [Test]
    public void WrongShape_NamesIt()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => new NtXentLoss().Forward(Tensor.RandomNormal([2, 3, 4], 1)));
        Assert.That(e!.Message, Does.Contain("[2, 3, 4]"));
    }
}
