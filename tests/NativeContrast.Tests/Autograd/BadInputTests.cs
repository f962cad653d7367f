using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Autograd;

/// <summary>Bad input fails at once with a message that names the problem.</summary>
public class BadInputTests
{
    [Test]
    public void Add_WithIncompatibleShapes_NamesBothShapes()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => _ = Tensor.Zeros([2, 3]) + Tensor.Zeros([4]));
        Assert.That(e!.Message, Does.Contain("[2, 3]").And.Contain("[4]"));
    }

    [Test]
    public void Matmul_WithMismatchedInnerDimensions_SaysSo()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => Tensor.Matmul(Tensor.Zeros([2, 3]), Tensor.Zeros([4, 5])));
        Assert.That(e!.Message, Does.Contain("inner dimensions").And.Contain("[2, 3]").And.Contain("[4, 5]"));
    }

    [Test]
    public void FromArray_WithWrongLength_NamesShapeAndLength()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new float[5], 2, 3));
        Assert.That(e!.Message, Does.Contain("[2, 3]").And.Contain("6").And.Contain("5"));
    }

    [Test]
    public void Reshape_ToWrongCount_NamesBothShapes()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 3]).Reshape(4, 2));
        Assert.That(e!.Message, Does.Contain("[4, 2]").And.Contain("[2, 3]"));
    }

    [Test]
    public void UnknownDeviceName_IsNamedInTheError()
    {
        var e = Assert.Throws<ArgumentException>(() => Device.Create("tpu:7"));
        Assert.That(e!.Message, Does.Contain("tpu:7").And.Contain("cpu"));
    }

    [Test]
    public void AbsentCuda_ExplainsWhy()
    {
        if (DeviceCatalog.Probe().Any(r => r.Kind == DeviceKind.Cuda && r.Usable)) Assert.Ignore("this machine has CUDA");
        var e = Assert.Throws<ArgumentException>(() => Device.Create("cuda"));
        Assert.That(e!.Message, Does.Contain("cuda").And.Contain("libcuda"));
    }

    [Test]
    public void OpAcrossDevices_NamesBothDevices()
    {
        var other = Devices.Get("ilgpu-cpu");
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => _ = Tensor.Ones([2]) + Tensor.Ones([2], other));
        Assert.That(e!.Message, Does.Contain("'cpu'").And.Contain("'ilgpu-cpu'"));
    }

    [Test]
    public void Float64OnIlgpu_IsRefusedWithReason()
    {
        var other = Devices.Get("ilgpu-cpu");
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros([2], other, DType.Float64));
        Assert.That(e!.Message, Does.Contain("float64").And.Contain("ilgpu-cpu"));
    }

    [Test]
    public void CrossEntropy_WithLabelOutOfRange_NamesTheLabel()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.CrossEntropy(Tensor.Zeros([2, 3]), Tensor.FromArray([0, 3], 2)));
        Assert.That(e!.Message, Does.Contain("label 3"));
    }

    [Test]
    public void Gather_WithIndexOutOfRange_NamesTheIndex()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros([2, 3]).Gather(0, Tensor.FromArray([5], 1)));
        Assert.That(e!.Message, Does.Contain("index 5"));
    }

    [Test]
    public void Axis_OutOfRange_NamesAxisAndRank()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros([2, 3]).Sum(2));
        Assert.That(e!.Message, Does.Contain("axis 2").And.Contain("rank 2"));
    }
}
