using NativeContrast.Kernels;

namespace NativeContrast.Tests.Backends;

/// <summary>The strided walk's coalescing (<see cref="StridedPair.Coalesced"/>): fewer dimensions, the same offsets for every element.</summary>
public class StridedPairTests
{
    [Test]
    public void Coalesced_BroadcastOfTrailingAxes_BecomesTwoDimensions()
    {
        // [N, C, 1, 1] read as [N, C, H, W] (global average pooling's backward): A = source, B = destination.
        var walk = StridedPair.Create([4, 3, 2, 5], [3, 1, 0, 0], [30, 10, 5, 1]).Coalesced();
        Assert.That((walk.Size0, walk.Size1, walk.Size2, walk.Size3, walk.Size4, walk.Size5), Is.EqualTo((1, 1, 1, 1, 12, 10)));
        Assert.That((walk.StrideA4, walk.StrideA5, walk.StrideB4, walk.StrideB5), Is.EqualTo((1, 0, 10, 1)));
    }

    [Test]
    public void Coalesced_ContiguousCopy_IsOneRow()
    {
        var walk = StridedPair.Create([2, 3, 4], [12, 4, 1], [12, 4, 1]).Coalesced();
        Assert.That((walk.Size4, walk.Size5, walk.StrideA5, walk.StrideB5), Is.EqualTo((1, 24, 1, 1)));
    }

    [TestCase(new[] { 3, 1, 4, 5 }, new[] { 40, 0, 5, 1 }, new[] { 20, 20, 5, 1 })]  // a slice of the columns, a size-1 axis
    [TestCase(new[] { 2, 2, 3, 2, 2 }, new[] { 0, 12, 4, 2, 1 }, new[] { 24, 12, 4, 2, 1 })] // a broadcast leading axis
    [TestCase(new[] { 2, 3, 4 }, new[] { 12, 4, 1 }, new[] { 1, 2, 6 })]            // a transposing write: A alone would merge
    [TestCase(new[] { 2, 3, 4 }, new[] { 1, 2, 6 }, new[] { 12, 4, 1 })]            // a transposing read: B alone would merge
    [TestCase(new[] { 1, 1 }, new[] { 0, 0 }, new[] { 1, 1 })]                       // one element
    public void Coalesced_KeepsEveryElementsOffsets(int[] shape, int[] stridesA, int[] stridesB)
    {
        var walk = StridedPair.Create(shape, stridesA, stridesB);
        var merged = walk.Coalesced();
        int count = shape.Aggregate(1, (p, s) => p * s);
        for (int i = 0; i < count; i++)
        {
            walk.Offsets(i, out int a, out int b);
            merged.Offsets(i, out int ma, out int mb);
            Assert.That((ma, mb), Is.EqualTo((a, b)), $"element {i}");
        }
    }
}
