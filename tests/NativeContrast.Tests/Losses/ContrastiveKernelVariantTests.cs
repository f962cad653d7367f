using NativeContrast.Losses;
using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Losses;

/// <summary>
/// Each ILGPU variant of the fused contrastive kernels (naive, tiled, tiled-vec, TF32 and 3xTF32 tensor core) against the <c>cpu</c> backend in
/// float64 (with the positives in the denominator and out of it: DCL, HCL), on sizes that cross the tiled kernels' edges: several 64-row tiles with a partial last one,
/// D past one 128-wide gradient slice and not a multiple of the 16-dimension chunk, M ≠ N for the
/// two-set losses, and τ = 0.01; triplet mining (hard and semi-hard) likewise. Relative error = max |a − b| / max |b| ≤ 1e-5, the bound for
/// float32 kernels and for 3xTF32 (fp32 products from three TF32 mma), and ≤ 3e-3 for TF32 (off CUDA the tensor-core kernels run
/// their software mma, on operands rounded to TF32 like the hardware's). (Sizes are small: ILGPU's CPU accelerator runs a 256-thread group slowly.)
/// </summary>
[Parallelizable(ParallelScope.None)]
public class ContrastiveKernelVariantTests
{
    private static double Tolerance(ContrastiveKernelVariant variant) => variant == ContrastiveKernelVariant.TensorCoreTf32 ? 3e-3 : 1e-5;

    private static IEnumerable<TestCaseData> Cases() =>
        from device in Devices.Accelerated
        from variant in Enum.GetValues<ContrastiveKernelVariant>()
        from loss in new[] { "ntxent", "supcon", "infonce-queue", "clip", "triplet-hard", "triplet-semihard", "dcl", "hcl" }
        where !(loss.StartsWith("triplet") && variant is ContrastiveKernelVariant.TensorCoreTf32 or ContrastiveKernelVariant.TiledVector or ContrastiveKernelVariant.TensorCoreTf32x3) // mining is the tiled kernel there
        // Positives out of the denominator (dcl, hcl) go through the variants' shared helpers: every variant on ilgpu-cpu,
        // the default one on the OpenCL devices (keeps the suite's time).
        where !(loss is "dcl" or "hcl") || device == "ilgpu-cpu" || variant == ContrastiveKernelVariant.Tiled
        from tau in loss is "ntxent" or "clip" ? new[] { 0.2, 0.01 } : new[] { 0.2 }
        select new TestCaseData(device, variant, loss, tau).SetName($"Loss_MatchesCpuFloat64({device}, {variant}, {loss}, tau {tau})");

    [TestCaseSource(nameof(Cases))]
    public void Loss_MatchesCpuFloat64(string deviceName, ContrastiveKernelVariant variant, string loss, double tau)
    {
        var device = (IlgpuDevice)Devices.Get(deviceName);
        var previous = device.ContrastiveVariant;
        device.ContrastiveVariant = variant;
        try
        {
            // The software mma is slow on ILGPU's CPU accelerator (two warp barriers per mma): the tensor-core variants get smaller
            // sizes that still cross a row tile, a column tile and the partial last 32-dimension stage.
            var size = variant is ContrastiveKernelVariant.TensorCoreTf32 or ContrastiveKernelVariant.TensorCoreTf32x3 ? SmallSize : FullSize;
            var expected = Run(loss, tau, Device.Cpu, DType.Float64, size);
            var actual = Run(loss, tau, device, DType.Float32, size);
            double tolerance = Tolerance(variant);
            AssertRelative(actual.Loss, expected.Loss, tolerance, "loss");
            for (int i = 0; i < expected.Grads.Length; i++) AssertRelative(actual.Grads[i], expected.Grads[i], tolerance, $"gradient of input {i}");
        }
        finally
        {
            device.ContrastiveVariant = previous;
        }
    }

    /// <summary>
    /// The lane-merging kernels (row statistics of the tiled, tiled-vec and tensor-core variants, triplet mining) with the
    /// shared-memory lane exchange that OpenCL devices without warp shuffles get, run here on ILGPU's CPU accelerator.
    /// </summary>
    [TestCase(ContrastiveKernelVariant.Tiled, "supcon")]
    [TestCase(ContrastiveKernelVariant.TiledVector, "clip")]
    [TestCase(ContrastiveKernelVariant.TensorCoreTf32x3, "ntxent")]
    [TestCase(ContrastiveKernelVariant.Tiled, "triplet-semihard")]
    public void SharedMemoryLaneExchange_MatchesCpuFloat64(ContrastiveKernelVariant variant, string loss)
    {
        var device = (IlgpuDevice)Devices.Get("ilgpu-cpu");
        var (previousVariant, previousShuffles) = (device.ContrastiveVariant, device.WarpShuffles);
        device.ContrastiveVariant = variant;
        device.WarpShuffles = false;
        try
        {
            var expected = Run(loss, 0.1, Device.Cpu, DType.Float64, SmallSize);
            var actual = Run(loss, 0.1, device, DType.Float32, SmallSize);
            AssertRelative(actual.Loss, expected.Loss, Tolerance(variant), "loss");
            for (int i = 0; i < expected.Grads.Length; i++) AssertRelative(actual.Grads[i], expected.Grads[i], Tolerance(variant), $"gradient of input {i}");
        }
        finally
        {
            (device.ContrastiveVariant, device.WarpShuffles) = (previousVariant, previousShuffles);
        }
    }

    [Test]
    public void UnknownVariant_IsRefused()
    {
        var device = (IlgpuDevice)Devices.Get("ilgpu-cpu");
        Assert.Throws<ArgumentOutOfRangeException>(() => device.ContrastiveVariant = (ContrastiveKernelVariant)99);
    }

    private static void AssertRelative(double[] actual, double[] expected, double tolerance, string what)
    {
        double scale = expected.Max(Math.Abs);
        Assert.That(scale, Is.GreaterThan(0), $"{what}: the reference is all zeros");
        Close.Assert(actual, expected, tolerance * scale, 0, what);
    }

    [Test]
    public void TensorCore_RoundsOperandsToTf32()
    {
        // The software mma must see what the hardware sees: with TF32 rounding the loss differs from
        // fp32's by more than float32 rounding would explain, and by less than 3e-3.
        var device = (IlgpuDevice)Devices.Get("ilgpu-cpu");
        var previous = device.ContrastiveVariant;
        try
        {
            device.ContrastiveVariant = ContrastiveKernelVariant.Tiled;
            double fp32 = Run("ntxent", 0.05, device, DType.Float32, SmallSize).Loss[0];
            device.ContrastiveVariant = ContrastiveKernelVariant.TensorCoreTf32;
            double tf32 = Run("ntxent", 0.05, device, DType.Float32, SmallSize).Loss[0];
            double relative = Math.Abs(tf32 - fp32) / Math.Abs(fp32);
            Assert.That(relative, Is.GreaterThan(1e-6).And.LessThan(3e-3));
            // 3xTF32 on the same operands: within float32 rounding of fp32, far closer than TF32.
            device.ContrastiveVariant = ContrastiveKernelVariant.TensorCoreTf32x3;
            double tf32x3 = Run("ntxent", 0.05, device, DType.Float32, SmallSize).Loss[0];
            double relativeX3 = Math.Abs(tf32x3 - fp32) / Math.Abs(fp32);
            TestContext.Out.WriteLine($"relative to fp32: TF32 {relative:E2}, 3xTF32 {relativeX3:E2}");
            Assert.That(relativeX3, Is.LessThan(relative / 30).And.LessThan(1e-6));
        }
        finally
        {
            device.ContrastiveVariant = previous;
        }
    }

    /// <summary>
    /// Rows of A, rows of B (two-set losses) and D. FullSize has N ≥ 128, so that one-set losses also have tiles off the
    /// diagonal with every row and column in range; M > N (InfoNCE takes its queue from rows N…M); 136 and 200 each end in a
    /// partial 64-row tile.
    /// </summary>
    private static readonly (int N, int M, int D) FullSize = (136, 200, 136), SmallSize = (70, 72, 40);

    /// <summary>The loss and every input's gradient, with upstream gradient 1.7 (so the coefficients are not all 1/N).</summary>
    private static (double[] Loss, double[][] Grads) Run(string loss, double tau, Device device, DType dtype, (int N, int M, int D) size)
    {
        var (n, m, d) = size;
        using var scope = TensorScope.Begin();
        // Float32 values on both sides, so the reference sees exactly the device's inputs.
        var a = Tensor.RandomNormal([n, d], 1, Device.Cpu, DType.Float32).ToDType(dtype).To(device);
        var b = Tensor.RandomNormal([loss == "clip" ? n : m, d], 2, Device.Cpu, DType.Float32).ToDType(dtype).To(device);
        a.RequiresGrad = b.RequiresGrad = true;
        var labels = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (i * 7) % 11).ToArray(), [n], device);
        Tensor value = loss switch
        {
            "ntxent" => new NtXentLoss(tau).Forward(a),
            "supcon" => new SupConLoss(tau).Forward(a, labels),
            "infonce-queue" => new InfoNceLoss(tau).Forward(a, b.Rows(0, n), b.Rows(n, m - n), null),
            "triplet-hard" => new TripletLoss(0.2).Forward(a, labels),
            // Positives left out of the denominator; the positives are not mutual (p(p(i)) ≠ i), so the row and column terms differ.
            "dcl" => new DecoupledContrastiveLoss(tau).Forward(a, Tensor.FromArray(Enumerable.Range(0, n).Select(i => (i * 5 + 3) % n).ToArray(), [n], device)),
            "hcl" => new DebiasedContrastiveLoss(0.1, 1.0, tau).Forward(a),
            "triplet-semihard" => new TripletLoss(0.2, TripletMining.SemiHard, DistanceMetric.SquaredEuclidean).Forward(a, labels),
            _ => new ClipLoss(tau).Forward(a, b),
        };
        (value * 1.7).Backward();
        var grads = loss is "infonce-queue" or "clip" ? new[] { a.Grad!, b.Grad! } : new[] { a.Grad! };
        return ([value.ToDoubleArray()[0]], grads.Select(g => g.ToDoubleArray()).ToArray());
    }
}
