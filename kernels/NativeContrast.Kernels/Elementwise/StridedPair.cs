namespace NativeContrast.Kernels;

/// <summary>
/// Index arithmetic for two strided operands walked over one logical shape of rank ≤ 6
/// (shape right-aligned, missing leading dimensions padded with size 1). A stride of 0
/// broadcasts that dimension. Used by broadcasting binary ops (A, B = the two inputs) and by
/// strided copies (A = source, B = destination): transpose, slice, concat, expand.
/// </summary>
public struct StridedPair
{
    /// <summary>The most dimensions a strided pair describes.</summary>
    public const int MaxRank = 6;

    /// <summary>The output's dimensions, innermost last (unused ones 1).</summary>
    public int Size0, Size1, Size2, Size3, Size4, Size5;
    /// <summary>The first operand's stride per dimension (0 where it broadcasts).</summary>
    public int StrideA0, StrideA1, StrideA2, StrideA3, StrideA4, StrideA5;
    /// <summary>The second operand's stride per dimension (0 where it broadcasts).</summary>
    public int StrideB0, StrideB1, StrideB2, StrideB3, StrideB4, StrideB5;

    /// <summary>Element offsets into A and B of the element with row-major index <paramref name="linear"/>.</summary>
    public readonly void Offsets(int linear, out int offsetA, out int offsetB)
    {
        int rem = linear;
        int c = rem % Size5; rem /= Size5; offsetA = c * StrideA5; offsetB = c * StrideB5;
        c = rem % Size4; rem /= Size4; offsetA += c * StrideA4; offsetB += c * StrideB4;
        c = rem % Size3; rem /= Size3; offsetA += c * StrideA3; offsetB += c * StrideB3;
        c = rem % Size2; rem /= Size2; offsetA += c * StrideA2; offsetB += c * StrideB2;
        c = rem % Size1; rem /= Size1; offsetA += c * StrideA1; offsetB += c * StrideB1;
        offsetA += rem * StrideA0; offsetB += rem * StrideB0;
    }

    /// <summary>
    /// The same walk with adjacent dimensions merged where both operands step through them as through one (the outer
    /// stride equals the inner stride times the inner size, for A and for B) and dimensions of size 1 dropped: a
    /// broadcast of [N, C, 1, 1] to [N, C, H, W] becomes [N·C, H·W] with A's strides (1, 0). Every element keeps its
    /// offsets; a copy then has longer rows and fewer of them.
    /// </summary>
    public readonly StridedPair Coalesced()
    {
        Span<int> s = [Size0, Size1, Size2, Size3, Size4, Size5];
        Span<int> a = [StrideA0, StrideA1, StrideA2, StrideA3, StrideA4, StrideA5];
        Span<int> b = [StrideB0, StrideB1, StrideB2, StrideB3, StrideB4, StrideB5];
        Span<int> ms = stackalloc int[MaxRank];
        Span<int> ma = stackalloc int[MaxRank];
        Span<int> mb = stackalloc int[MaxRank];
        int rank = 0;
        for (int i = 0; i < MaxRank; i++)
        {
            if (s[i] == 1) continue;
            if (rank > 0 && ma[rank - 1] == a[i] * s[i] && mb[rank - 1] == b[i] * s[i])
            {
                ms[rank - 1] *= s[i];
                ma[rank - 1] = a[i];
                mb[rank - 1] = b[i];
                continue;
            }
            ms[rank] = s[i];
            ma[rank] = a[i];
            mb[rank] = b[i];
            rank++;
        }
        if (rank == 0) return Create([1], [0], [0]);
        return Create(ms[..rank], ma[..rank], mb[..rank]);
    }

    /// <summary>Builds the indexer; arrays are given left to right and may be shorter than 6.</summary>
    public static StridedPair Create(ReadOnlySpan<int> shape, ReadOnlySpan<int> stridesA, ReadOnlySpan<int> stridesB)
    {
        if (shape.Length > MaxRank)
            throw new ArgumentException($"Rank {shape.Length} exceeds the supported maximum of {MaxRank}.", nameof(shape));
        Span<int> s = stackalloc int[MaxRank];
        Span<int> a = stackalloc int[MaxRank];
        Span<int> b = stackalloc int[MaxRank];
        s.Fill(1);
        int pad = MaxRank - shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            s[pad + i] = shape[i];
            a[pad + i] = stridesA[i];
            b[pad + i] = stridesB[i];
        }
        return new StridedPair
        {
            Size0 = s[0], Size1 = s[1], Size2 = s[2], Size3 = s[3], Size4 = s[4], Size5 = s[5],
            StrideA0 = a[0], StrideA1 = a[1], StrideA2 = a[2], StrideA3 = a[3], StrideA4 = a[4], StrideA5 = a[5],
            StrideB0 = b[0], StrideB1 = b[1], StrideB2 = b[2], StrideB3 = b[3], StrideB4 = b[4], StrideB5 = b[5],
        };
    }
}
