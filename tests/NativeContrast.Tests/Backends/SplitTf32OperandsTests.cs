using NativeContrast.Kernels;

namespace NativeContrast.Tests.Backends;

/// <summary>
/// The 3xTF32 split (variant 5) on the host: both parts are TF32 bit patterns (the low 13 bits clear, as the tensor cores
/// take them), they add up to the value within 2⁻²¹ of it, and a NaN staged by the operands stays a NaN through the split.
/// </summary>
public class SplitTf32OperandsTests
{
    [Test]
    public void Split_GivesTwoTf32Parts_ThatAddUpToTheValue()
    {
        var random = new Random(5);
        double worst = 0;
        for (int i = 0; i < 200_000; i++)
        {
            float x = (float)((random.NextDouble() * 2 - 1) * Math.Pow(2, random.Next(-60, 60)));
            var (hi, lo) = SplitTf32Operands.Split(BitConverter.SingleToUInt32Bits(x));
            Assert.That(hi & 0x1FFFu, Is.Zero, $"hi of {x:R}");
            Assert.That(lo & 0x1FFFu, Is.Zero, $"lo of {x:R}");
            double sum = (double)BitConverter.UInt32BitsToSingle(hi) + BitConverter.UInt32BitsToSingle(lo);
            double error = Math.Abs(sum - x) / Math.Abs(x);
            worst = Math.Max(worst, error);
            // hi alone is plain TF32 (about 2⁻¹²); the pair must do far better.
            Assert.That(Math.Abs(BitConverter.UInt32BitsToSingle(hi) - (double)x), Is.LessThanOrEqualTo(Math.Pow(2, -11) * Math.Abs(x)), $"hi of {x:R}");
        }
        Assert.That(worst, Is.LessThanOrEqualTo(Math.Pow(2, -21)));
        Assert.That(worst, Is.GreaterThan(Math.Pow(2, -26)), "lo is cut to TF32, so some error remains (the test would pass on a no-op split otherwise)");
    }

    [Test]
    public void StagedNaN_StaysNaN_AndInfinityStaysInfinite()
    {
        var operands = default(SplitTf32Operands);
        foreach (uint bits in new[] { 0x7FFFFFFFu, 0xFFFFFFFFu, 0x7FC00000u, 0x7F800001u })
        {
            float nan = BitConverter.UInt32BitsToSingle(bits);
            var (hi, _) = SplitTf32Operands.Split(operands.Stage(nan));
            Assert.That(float.IsNaN(BitConverter.UInt32BitsToSingle(hi)), Is.True, $"0x{bits:X8}");
        }
        // Unguarded, the rounding carry turns the canonical NaN into −0: what Stage exists to prevent.
        Assert.That(SplitTf32Operands.Split(0x7FFFFFFFu).Hi, Is.EqualTo(0x80000000u));
        var (infHi, _) = SplitTf32Operands.Split(operands.Stage(float.PositiveInfinity));
        Assert.That(BitConverter.UInt32BitsToSingle(infHi), Is.EqualTo(float.PositiveInfinity));
    }
}
