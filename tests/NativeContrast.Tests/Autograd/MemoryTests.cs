using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Autograd;

/// <summary>Live-buffer accounting: a scope frees what a forward/backward made; views share storage.</summary>
[NonParallelizable]
public class MemoryTests
{
    [TestCase("cpu")]
    [TestCase("ilgpu-cpu")]
    public void ForwardBackwardInScope_FreesEverythingButParametersAndGrads(string deviceName)
    {
        var device = deviceName == "cpu" ? Device.Cpu : Devices.Get(deviceName);
        long start = device.LiveBuffers;
        var w = Tensor.RandomNormal([8, 4], 1, device);
        w.RequiresGrad = true;
        for (int step = 0; step < 3; step++)
        {
            using var scope = TensorScope.Begin();
            var x = Tensor.RandomNormal([5, 8], step, device);
            var logits = Tensor.Matmul(x, w).Relu().L2NormalizeRows();
            var labels = Tensor.FromArray([0, 1, 2, 3, 0], [5], device);
            Tensor.CrossEntropy(logits, labels).Backward();
        }
        Assert.That(device.LiveBuffers, Is.EqualTo(start + 2), "only w and w.Grad remain");
        w.Dispose();
        Assert.That(device.LiveBuffers, Is.EqualTo(start), "disposing w frees its gradient too");
    }

    [Test]
    public void Views_ShareStorageUntilTheLastIsDisposed()
    {
        var device = Device.Cpu;
        long start = device.LiveBuffers;
        var x = Tensor.Zeros([4, 3]);
        var rows = x.Rows(1, 2);
        var reshaped = x.Reshape(12);
        Assert.That(device.LiveBuffers, Is.EqualTo(start + 1));
        x.Dispose();
        rows.Dispose();
        Assert.That(device.LiveBuffers, Is.EqualTo(start + 1));
        reshaped.Dispose();
        Assert.That(device.LiveBuffers, Is.EqualTo(start));
    }

    [Test]
    public void Scope_Keep_MovesATensorOut()
    {
        Tensor kept;
        using (var scope = TensorScope.Begin())
        {
            var a = Tensor.Ones([2]);
            kept = scope.Keep(a * 3.0);
        }
        Assert.That(kept.IsDisposed, Is.False);
        Assert.That(kept.ToFloatArray(), Is.EqualTo(new[] { 3f, 3f }));
        kept.Dispose();
    }

    [Test]
    public void DisposedTensor_ThrowsWhenUsed()
    {
        var a = Tensor.Ones([2]);
        a.Dispose();
        Assert.Throws<ObjectDisposedException>(() => a.ToFloatArray());
    }

    [Test]
    public void IlgpuDevice_ReusesFreedBuffersFromItsCache()
    {
        var device = (IlgpuDevice)Devices.Get("ilgpu-cpu");
        var a = Tensor.Zeros([1000], device);
        a.Dispose();
        long cached = device.CachedBytes;
        Assert.That(cached, Is.GreaterThanOrEqualTo(1000 * sizeof(float)));
        var b = Tensor.Zeros([1000], device);
        Assert.That(device.CachedBytes, Is.LessThan(cached), "the cached buffer was handed out again");
        b.Dispose();
    }

    [Test]
    public void IlgpuDevice_CompilesEachKernelOnce()
    {
        var device = (IlgpuDevice)Devices.Get("ilgpu-cpu");
        using (TensorScope.Begin()) _ = (Tensor.Ones([3], device) * 2.0).Exp();
        int compiled = device.CompiledKernelCount;
        using (TensorScope.Begin()) _ = (Tensor.Ones([5], device) * 4.0).Exp();
        Assert.That(device.CompiledKernelCount, Is.EqualTo(compiled));
    }
}
