using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NativeContrast.Backends;

/// <summary>
/// The one-set softmax-contrastive passes (NT-Xent, SupCon) in float32, using the symmetry of
/// S = Z·Zᵀ/τ to compute each off-diagonal T×T tile once instead of twice:
///   forward: tile (I, J), J ≥ I, updates the online log-sum-exp of rows I (along the tile's rows)
///     and of rows J (along its columns, S_ji = S_ij); the diagonal tile updates rows I only;
///   backward: W_ij = G_ij + G_ji is symmetric too, so tile (I, J) adds W_IJ·Z_J to dZ_I and
///     W_IJᵀ·Z_I to dZ_J (and the diagonal tile W_II·Z_I to dZ_I).
/// Against the general path (<see cref="CpuContrastive"/>) that is half the similarity products
/// (3 → 2 products of N²·D) and half the exponentials. Z is packed once per pass as GEMM panels.
/// Units of work are row blocks I (with every tile J ≥ I), taken from a shared counter so the
/// triangle's uneven rows balance; rows of another block are updated under that block's lock,
/// from thread-local results, so no write races and the order of additions only moves rounding.
/// Shape legend: N rows, D dim, T = tile size, P(i) = positives of i, w_i = 1/|P(i)|.
/// </summary>
internal static unsafe class CpuSymmetricContrastive
{
    public const int Tile = 192;

    /// <summary>AVX2/FMA and D small enough that a packed A block of T×D floats stays in L2.</summary>
    public static bool Supports(int d) => PackedSgemm.IsSupported && d <= 512;

    public static void RowStats(float[] z, int zOffset, int[] keys, float[] positiveWeight, float[] lse, int lseOffset,
        float[] positiveLogit, int positiveOffset, int n, int d, bool byLabel, double invTau)
    {
        int blocks = (n + Tile - 1) / Tile;
        var max = new float[n];
        var sum = new float[n];
        var positive = new float[n];
        max.AsSpan().Fill(float.NegativeInfinity);
        var locks = Enumerable.Range(0, blocks).Select(_ => new object()).ToArray();
        float alpha = (float)invTau;
        fixed (float* zp = z)
        {
            float* zBase = zp + zOffset;
            float* packedT = Alloc(PackedSgemm.PackedBSize(n, d));
            try
            {
                PackedSgemm.PackAsB(zBase, d, transposed: true, d, n, packedT);
                RunUnits(blocks, () => new Scratch(d), (unit, s) =>
                {
                    int i0 = unit * Tile, rows = Math.Min(Tile, n - i0);
                    PackedSgemm.PackAsA(zBase + i0 * d, d, false, rows, d, s.PackedRows);
                    var rowMax = s.RowMax.AsSpan(0, rows);
                    var rowSum = s.RowSum.AsSpan(0, rows);
                    var rowPositive = s.RowPositive.AsSpan(0, rows);
                    rowMax.Fill(float.NegativeInfinity);
                    rowSum.Clear();
                    rowPositive.Clear();
                    for (int block = unit; block < blocks; block++)
                    {
                        int j0 = block * Tile, cols = Math.Min(Tile, n - j0);
                        PackedSgemm.MultiplyPacked(s.PackedRows, rows, packedT + j0 * d, cols, d, s.Similarity, Tile, alpha, overwrite: true);
                        bool diagonal = block == unit;
                        if (!diagonal) ColumnStats(s, rows, cols, byLabel ? keys : null, i0, j0, max, sum, positive, locks[block]);
                        for (int r = 0; r < rows; r++)
                        {
                            var row = new Span<float>(s.Similarity + r * Tile, cols);
                            if (byLabel) rowPositive[r] += LabelSum(row, keys[i0 + r], keys.AsSpan(j0, cols), diagonal ? r : -1);
                            if (diagonal) row[r] = float.NegativeInfinity;
                            OnlineLogSumExp(row, ref rowMax[r], ref rowSum[r]);
                        }
                    }
                    lock (locks[unit])
                    {
                        for (int r = 0; r < rows; r++)
                        {
                            Merge(ref max[i0 + r], ref sum[i0 + r], rowMax[r], rowSum[r]);
                            positive[i0 + r] += rowPositive[r];
                        }
                    }
                });
            }
            finally
            {
                NativeMemory.AlignedFree(packedT);
            }
        }
        for (int i = 0; i < n; i++)
        {
            lse[lseOffset + i] = max[i] + MathF.Log(sum[i]);
            float p = byLabel
                ? positive[i]
                : (float)(CpuBackend.Dot<double>(Widen(z, zOffset + i * d, d), Widen(z, zOffset + keys[i] * d, d)) * invTau);
            positiveLogit[positiveOffset + i] = p * positiveWeight[i];
        }
    }

    /// <summary>
    /// dZ = (1/τ) W·Z with W_ij = c_i (P_ij − w_i [j ∈ P(i)]) + c_j (P_ji − w_j [i ∈ P(j)]), W_ii = 0,
    /// P_ij = exp(S_ij − LSE_i); c = per-row coefficient (loss weight × upstream gradient).
    /// </summary>
    public static void Gradient(float[] z, int zOffset, int[] keys, float[] lse, float[] coefficient, float[] positiveWeight,
        float[] gradZ, int gradOffset, int n, int d, bool byLabel, double invTau)
    {
        int blocks = (n + Tile - 1) / Tile;
        var locks = Enumerable.Range(0, blocks).Select(_ => new object()).ToArray();
        var positiveAmount = coefficient.Zip(positiveWeight, (c, w) => c * w).ToArray();
        float alpha = (float)invTau;
        gradZ.AsSpan(gradOffset, n * d).Clear();
        fixed (float* zp = z, gp = gradZ)
        {
            float* zBase = zp + zOffset, gBase = gp + gradOffset;
            float* packedT = Alloc(PackedSgemm.PackedBSize(n, d));
            try
            {
                PackedSgemm.PackAsB(zBase, d, transposed: true, d, n, packedT);
                RunUnits(blocks, () => new Scratch(d), (unit, s) =>
                {
                    int i0 = unit * Tile, rows = Math.Min(Tile, n - i0);
                    PackedSgemm.PackAsA(zBase + i0 * d, d, false, rows, d, s.PackedRows);
                    PackedSgemm.PackAsB(zBase + i0 * d, d, false, rows, d, s.RowsAsB);
                    new Span<float>(s.Accumulator, rows * d).Clear();
                    for (int block = unit; block < blocks; block++)
                    {
                        int j0 = block * Tile, cols = Math.Min(Tile, n - j0);
                        bool diagonal = block == unit;
                        PackedSgemm.MultiplyPacked(s.PackedRows, rows, packedT + j0 * d, cols, d, s.Similarity, Tile, alpha, overwrite: true);
                        Weights(s, rows, cols, i0, j0, keys, lse, coefficient, positiveAmount, byLabel, diagonal);
                        // dZ_I += W·Z_J / τ
                        PackedSgemm.PackAsA(s.Similarity, Tile, false, rows, cols, s.PackedWeights);
                        PackedSgemm.PackAsB(zBase + j0 * d, d, false, cols, d, s.ColumnsAsB);
                        PackedSgemm.MultiplyPacked(s.PackedWeights, rows, s.ColumnsAsB, d, cols, s.Accumulator, d, alpha, overwrite: false);
                        if (diagonal) continue;
                        // dZ_J += Wᵀ·Z_I / τ
                        PackedSgemm.PackAsA(s.Similarity, Tile, true, cols, rows, s.PackedWeights);
                        PackedSgemm.MultiplyPacked(s.PackedWeights, cols, s.RowsAsB, d, rows, s.Partial, d, alpha, overwrite: true);
                        lock (locks[block]) Add(gBase + j0 * d, s.Partial, cols * d);
                    }
                    lock (locks[unit]) Add(gBase + i0 * d, s.Accumulator, rows * d);
                });
            }
            finally
            {
                NativeMemory.AlignedFree(packedT);
            }
        }
    }

    /// <summary>Turns the S tile into W in place (see <see cref="Gradient"/>).</summary>
    private static void Weights(Scratch s, int rows, int cols, int i0, int j0, int[] keys, float[] lse, float[] coefficient, float[] positiveAmount, bool byLabel, bool diagonal)
    {
        for (int r = 0; r < rows; r++)
        {
            int i = i0 + r;
            var row = new Span<float>(s.Similarity + r * Tile, cols);
            SoftmaxWeights(row, coefficient[i], lse[i], coefficient.AsSpan(j0, cols), lse.AsSpan(j0, cols));
            if (byLabel)
            {
                int key = keys[i];
                for (int c = 0; c < cols; c++)
                    if (keys[j0 + c] == key) row[c] -= positiveAmount[i] + positiveAmount[j0 + c];
            }
            else
            {
                int p = keys[i] - j0;
                if (p >= 0 && p < cols) row[p] -= positiveAmount[i];
            }
            if (diagonal) row[r] = 0f;
        }
        if (byLabel) return;
        // [i = p(j)]: a column of this tile whose positive is a row of this block.
        for (int c = 0; c < cols; c++)
        {
            int r = keys[j0 + c] - i0;
            if (r >= 0 && r < rows && !(diagonal && r == c)) s.Similarity[r * Tile + c] -= positiveAmount[j0 + c];
        }
    }

    /// <summary>row[c] ← cA·exp(S − lseA) + cB[c]·exp(S − lseB[c]).</summary>
    private static void SoftmaxWeights(Span<float> row, float coefficientA, float lseA, ReadOnlySpan<float> coefficientB, ReadOnlySpan<float> lseB)
    {
        var ca = Vector256.Create(coefficientA);
        var la = Vector256.Create(lseA);
        int c = 0;
        for (; c <= row.Length - 8; c += 8)
        {
            var v = Vector256.Create<float>(row.Slice(c, 8));
            var w = ca * SimdMath.Exp(v - la) + Vector256.Create(coefficientB.Slice(c, 8)) * SimdMath.Exp(v - Vector256.Create(lseB.Slice(c, 8)));
            w.CopyTo(row.Slice(c, 8));
        }
        for (; c < row.Length; c++) row[c] = coefficientA * MathF.Exp(row[c] - lseA) + coefficientB[c] * MathF.Exp(row[c] - lseB[c]);
    }

    /// <summary>Column-wise log-sum-exp (and label sums) of an off-diagonal tile, merged into rows J under their lock.</summary>
    private static void ColumnStats(Scratch s, int rows, int cols, int[]? labels, int i0, int j0, float[] max, float[] sum, float[] positive, object gate)
    {
        var colMax = s.ColumnMax.AsSpan(0, cols);
        var colSum = s.ColumnSum.AsSpan(0, cols);
        var colPositive = s.ColumnPositive.AsSpan(0, cols);
        colMax.Fill(float.NegativeInfinity);
        colSum.Clear();
        colPositive.Clear();
        int vectorEnd = cols / 8 * 8;
        for (int r = 0; r < rows; r++)
        {
            var row = new Span<float>(s.Similarity + r * Tile, cols);
            int c = 0;
            for (; c < vectorEnd; c += 8)
                Vector256.Max(Vector256.Create<float>(colMax.Slice(c, 8)), Vector256.Create<float>(row.Slice(c, 8))).CopyTo(colMax.Slice(c, 8));
            for (; c < cols; c++) colMax[c] = MathF.Max(colMax[c], row[c]);
        }
        for (int r = 0; r < rows; r++)
        {
            var row = new Span<float>(s.Similarity + r * Tile, cols);
            int c = 0;
            for (; c < vectorEnd; c += 8)
            {
                var e = SimdMath.Exp(Vector256.Create<float>(row.Slice(c, 8)) - Vector256.Create<float>(colMax.Slice(c, 8)));
                (Vector256.Create<float>(colSum.Slice(c, 8)) + e).CopyTo(colSum.Slice(c, 8));
            }
            for (; c < cols; c++) colSum[c] += MathF.Exp(row[c] - colMax[c]);
            if (labels is null) continue;
            var key = Vector256.Create(labels[i0 + r]);
            c = 0;
            for (; c < vectorEnd; c += 8)
            {
                var match = Vector256.Equals(Vector256.Create(labels.AsSpan(j0 + c, 8)), key).AsSingle();
                (Vector256.Create<float>(colPositive.Slice(c, 8)) + Vector256.ConditionalSelect(match, Vector256.Create<float>(row.Slice(c, 8)), Vector256<float>.Zero))
                    .CopyTo(colPositive.Slice(c, 8));
            }
            for (; c < cols; c++)
                if (labels[j0 + c] == labels[i0 + r]) colPositive[c] += row[c];
        }
        lock (gate)
        {
            for (int c = 0; c < cols; c++)
            {
                Merge(ref max[j0 + c], ref sum[j0 + c], colMax[c], colSum[c]);
                positive[j0 + c] += colPositive[c];
            }
        }
    }

    /// <summary>Folds a row into a running (max, sum of exp(v − max)).</summary>
    private static void OnlineLogSumExp(Span<float> row, ref float max, ref float sum)
    {
        var acc = Vector256.Create(float.NegativeInfinity);
        int c = 0;
        for (; c <= row.Length - 8; c += 8) acc = Vector256.Max(acc, Vector256.Create<float>(row.Slice(c, 8)));
        float tileMax = float.NegativeInfinity;
        for (int k = 0; k < 8; k++) tileMax = MathF.Max(tileMax, acc[k]);
        for (; c < row.Length; c++) tileMax = MathF.Max(tileMax, row[c]);
        if (float.IsNegativeInfinity(tileMax)) return;
        float newMax = MathF.Max(max, tileMax);
        var vm = Vector256.Create(newMax);
        var total = Vector256<float>.Zero;
        c = 0;
        for (; c <= row.Length - 8; c += 8) total += SimdMath.Exp(Vector256.Create<float>(row.Slice(c, 8)) - vm);
        float s = Vector256.Sum(total);
        for (; c < row.Length; c++) s += MathF.Exp(row[c] - newMax);
        sum = sum * MathF.Exp(max - newMax) + s;
        max = newMax;
    }

    /// <summary>(max, sum) ⊕ (otherMax, otherSum) for sums of exp(v − max).</summary>
    private static void Merge(ref float max, ref float sum, float otherMax, float otherSum)
    {
        if (otherSum == 0f) return;
        float newMax = MathF.Max(max, otherMax);
        sum = sum * MathF.Exp(max - newMax) + otherSum * MathF.Exp(otherMax - newMax);
        max = newMax;
    }

    private static float LabelSum(Span<float> row, int key, ReadOnlySpan<int> keys, int diagonal)
    {
        float total = 0f;
        for (int c = 0; c < row.Length; c++)
            if (keys[c] == key && c != diagonal) total += row[c];
        return total;
    }

    private static double[] Widen(float[] x, int offset, int length)
    {
        var result = new double[length];
        for (int k = 0; k < length; k++) result[k] = x[offset + k];
        return result;
    }

    private static void Add(float* destination, float* source, int count)
    {
        int k = 0;
        for (; k <= count - 8; k += 8)
            Vector256.Store(Vector256.Load(destination + k) + Vector256.Load(source + k), destination + k);
        for (; k < count; k++) destination[k] += source[k];
    }

    private static float* Alloc(int floats) => (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, floats) * sizeof(float), 64);

    /// <summary>Runs units 0..count−1 on up to one thread per core, each thread taking the next unit from a shared counter.</summary>
    private static void RunUnits(int count, Func<Scratch> scratch, Action<int, Scratch> body)
    {
        int threads = Math.Min(CpuParallel.Threads, count);
        int next = -1;
        void Work()
        {
            using var s = scratch();
            int unit;
            while ((unit = Interlocked.Increment(ref next)) < count) body(unit, s);
        }
        if (threads <= 1) Work();
        else Parallel.For(0, threads, _ => Work());
    }

    /// <summary>One thread's buffers (64-byte aligned; packed operands need 32).</summary>
    private sealed class Scratch : IDisposable
    {
        public Scratch(int d)
        {
            PackedRows = Alloc(PackedSgemm.PackedASize(Tile, d));
            RowsAsB = Alloc(PackedSgemm.PackedBSize(d, Tile));
            ColumnsAsB = Alloc(PackedSgemm.PackedBSize(d, Tile));
            PackedWeights = Alloc(PackedSgemm.PackedASize(Tile, Tile));
            this.Similarity = Alloc(Tile * Tile);
            Accumulator = Alloc(Tile * d);
            Partial = Alloc(Tile * d);
        }

        public float* PackedRows { get; }

        public float* RowsAsB { get; }

        public float* ColumnsAsB { get; }

        public float* PackedWeights { get; }

        public float* Similarity { get; }

        public float* Accumulator { get; }

        public float* Partial { get; }

        public float[] RowMax { get; } = new float[Tile];

        public float[] RowSum { get; } = new float[Tile];

        public float[] RowPositive { get; } = new float[Tile];

        public float[] ColumnMax { get; } = new float[Tile];

        public float[] ColumnSum { get; } = new float[Tile];

        public float[] ColumnPositive { get; } = new float[Tile];

        public void Dispose()
        {
            foreach (var p in new[] { PackedRows, RowsAsB, ColumnsAsB, PackedWeights, Similarity, Accumulator, Partial })
                NativeMemory.AlignedFree(p);
        }
    }
}
