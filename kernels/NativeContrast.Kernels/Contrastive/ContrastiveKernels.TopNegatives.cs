using ILGPU;

namespace NativeContrast.Kernels;

public static partial class ContrastiveKernels
{
    /// <summary>The most negatives NT-Xent's drop-top may leave out per anchor (<see cref="TopNegativesNaive"/> keeps K + 1 of them in registers).</summary>
    public const int MaxTopNegatives = 32;

    /// <summary>
    /// Drop-top's first pass, anchor a of one set of n rows (positive index p(a)): streams S_ab = a·b/τ over the negatives
    /// b ∉ {a, p(a)}, keeping the K + 1 largest (sorted, in local memory: never a row of the N×N matrix), then writes
    /// threshold[a] = midway between the K-th and the (K+1)-th largest, and dropped[a·K + j] = the index of the j-th most
    /// similar negative, or −1 where it ties the (K+1)-th and so stays. The passes that read the threshold
    /// (<see cref="ContrastiveShape.HasThreshold"/>) leave out exactly the negatives above it: a recomputed logit would
    /// have to move by half the gap between the K-th and (K+1)-th to change sides. Needs 1 ≤ K ≤ <see cref="MaxTopNegatives"/>
    /// and K + 1 ≤ n − 2.
    /// </summary>
    public static void TopNegativesNaive(Index1D a, ViewRows rows, ArrayView<int> positives, ArrayView<float> threshold, ArrayView<int> dropped,
        int n, int d, float invTau, int topK)
    {
        var value = LocalMemory.Allocate<float>(MaxTopNegatives + 1);
        var index = LocalMemory.Allocate<int>(MaxTopNegatives + 1);
        int kept = topK + 1, count = 0, p = positives[a];
        for (int b = 0; b < n; b++)
        {
            if (b == a || b == p) continue;
            float s = Dot(rows, a, rows, b, d) * invTau;
            if (count == kept && !(s > value[kept - 1])) continue;
            int slot = count < kept ? count++ : kept - 1;
            for (; slot > 0 && value[slot - 1] < s; slot--)
            {
                value[slot] = value[slot - 1];
                index[slot] = index[slot - 1];
            }
            value[slot] = s;
            index[slot] = b;
        }
        float t = 0.5f * (value[topK - 1] + value[topK]);
        threshold[a] = t;
        for (int j = 0; j < topK; j++) dropped[a * topK + j] = value[j] > t ? index[j] : -1;
    }
}
