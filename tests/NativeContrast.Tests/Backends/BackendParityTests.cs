using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Backends;

/// <summary>Every op, forward and backward, in float32 on each accelerated device against <c>cpu</c>.</summary>
[Parallelizable(ParallelScope.None)]
public class BackendParityTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from device in Devices.Accelerated
        from c in OpCases.All()
        select new TestCaseData(device, c).SetName($"ForwardAndBackward_MatchCpu({device}, {c.Name})");

    [TestCaseSource(nameof(Cases))]
    public void ForwardAndBackward_MatchCpu(string deviceName, OpCase c)
    {
        var device = Devices.Get(deviceName);
        var expected = Run(c, Device.Cpu);
        var actual = Run(c, device);
        Close.Assert(actual.Output, expected.Output, 1e-5, 1e-4, $"{c.Name} forward on {deviceName}");
        for (int i = 0; i < expected.Grads.Length; i++)
            Close.Assert(actual.Grads[i], expected.Grads[i], 1e-5, 1e-4, $"{c.Name} gradient {i} on {deviceName}");
    }

    private static (float[] Output, float[][] Grads) Run(OpCase c, Device device)
    {
        using var scope = TensorScope.Begin();
        var values = c.Inputs(5);
        var inputs = values.Select((v, i) => Tensor.FromArray(Array.ConvertAll(v, x => (float)x), c.Shapes[i], device, requiresGrad: true)).ToArray();
        var y = c.Compute(inputs, device);
        var w = Tensor.FromArray(Enumerable.Range(0, y.Count).Select(i => MathF.Sin(0.7f * i) + 0.2f).ToArray(), y.Shape.ToArray(), device);
        (y * w).Sum().Backward();
        return (y.ToFloatArray(), inputs.Select(t => t.Grad!.ToFloatArray()).ToArray());
    }
}
