using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>
/// Packed, register-blocked SGEMM for AVX2 + FMA (the GotoBLAS/BLIS scheme):
///   for each NC-wide column block of B, each KC-deep slice: pack B into NR-wide panels;
///   for each MC-tall row block of A: pack A into MR-tall panels; run the MR×NR micro-kernel
///   over every panel pair, accumulating into C.
/// Micro-kernel 6×16: 12 ymm accumulators + 2 B vectors + 1 broadcast of A = 15 of 16 registers; where the CPU has
/// AVX-512F, general products (<see cref="Batched"/>, <see cref="Serial"/>) use a 12×32 zmm micro-kernel instead
/// (<see cref="UseAvx512"/>), with A panels 12 tall and B panels 32 wide. The fused losses' pre-packed products
/// (<see cref="MultiplyPacked"/>) keep the 6×16 tile.
/// Sizes: an A block (MC×KC = 96×256 floats, 96 KiB) stays in L2, a B panel (KC×NR, 16 KiB) in L1.
/// Threads split C into column (or row) stripes; each packs what it reads, so no locks.
/// C is first scaled by β, then the micro-kernel adds α·A·B into it.
/// </summary>
internal static unsafe class PackedSgemm
{
    private const int MR = 6;
    private const int NR = 16;
    private const int KC = 256;
    private const int MC = 96;
    private const int NC = 4096;
    private const int WideMR = 12;
    private const int WideNR = 32;

    /// <summary>
    /// Whether general products use the 12×32 AVX-512 micro-kernel: where the CPU has AVX-512F, unless the environment
    /// sets <c>NATIVECONTRAST_AVX512=0</c> (to compare the kernels in one session); tests switch it to cover both.
    /// </summary>
    internal static bool UseAvx512 { get; set; } = Avx512F.IsSupported && Environment.GetEnvironmentVariable("NATIVECONTRAST_AVX512") != "0";

    /// <summary>Below this many multiply-adds one thread is faster than forking.</summary>
    private const long ParallelThreshold = 1L << 20;

    public static bool IsSupported => Fma.IsSupported && Avx2.IsSupported;

    [ThreadStatic] private static float* packA;
    [ThreadStatic] private static float* packB;

    public static void Batched(float[] a, int offsetA, float[] b, int offsetB, float[] c, int offsetC, GemmShape s, int batch)
    {
        if (!IsSupported)
        {
            ReferenceGemm.Batched(a, offsetA, b, offsetB, c, offsetC, s, batch);
            return;
        }
        long work = (long)s.M * s.N * s.K;
        int threads = CpuParallel.Threads;
        if (batch >= threads && work * batch >= ParallelThreshold)
        {
            // Many independent products: one per task, each on its own thread.
            Parallel.For(0, batch, bi => Region(a, offsetA + bi * s.BatchStrideA, b, offsetB + bi * s.BatchStrideB,
                c, offsetC + bi * s.BatchStrideC, s, 0, s.M, 0, s.N));
            return;
        }
        for (int bi = 0; bi < batch; bi++)
        {
            int oa = offsetA + bi * s.BatchStrideA, ob = offsetB + bi * s.BatchStrideB, oc = offsetC + bi * s.BatchStrideC;
            if (work < ParallelThreshold || threads == 1)
            {
                Region(a, oa, b, ob, c, oc, s, 0, s.M, 0, s.N);
                continue;
            }
            // Split the larger of M and N into stripes aligned to the micro-tile.
            bool splitN = s.N >= s.M;
            int extent = splitN ? s.N : s.M, align = splitN ? (UseAvx512 ? WideNR : NR) : (UseAvx512 ? WideMR : MR);
            int units = (extent + align - 1) / align;
            int parts = Math.Min(threads, units);
            Parallel.For(0, parts, t =>
            {
                int from = Math.Min(extent, units * t / parts * align);
                int to = Math.Min(extent, units * (t + 1) / parts * align);
                if (splitN) Region(a, oa, b, ob, c, oc, s, 0, s.M, from, to);
                else Region(a, oa, b, ob, c, oc, s, from, to, 0, s.N);
            });
        }
    }

    /// <summary>One product on the calling thread (for callers that parallelize around it).</summary>
    public static void Serial(float[] a, int offsetA, float[] b, int offsetB, float[] c, int offsetC, GemmShape s)
    {
        if (!IsSupported) ReferenceGemm.Batched(a, offsetA, b, offsetB, c, offsetC, s, 1);
        else Region(a, offsetA, b, offsetB, c, offsetC, s, 0, s.M, 0, s.N);
    }

    /// <summary>Computes rows [i0, i1) × columns [j0, j1) of C on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Region(float[] a, int offsetA, float[] b, int offsetB, float[] c, int offsetC, GemmShape s, int i0, int i1, int j0, int j1)
    {
        if (i1 <= i0 || j1 <= j0) return;
        if (packA == null)
        {
            packA = (float*)NativeMemory.AlignedAlloc((nuint)(MC * KC * sizeof(float)), 64);
            packB = (float*)NativeMemory.AlignedAlloc((nuint)(KC * NC * sizeof(float)), 64);
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            float* A = pa + offsetA, B = pb + offsetB, C = pc + offsetC;
            if (s.K == 0 || s.Alpha == 0f)
            {
                ScaleC(C, s.Ldc, i0, i1, j0, j1, s.Beta);
                return;
            }
            // β = 0: the first K slice overwrites C (no clearing pass); otherwise scale once and accumulate.
            bool overwriteFirst = s.Beta == 0f;
            if (!overwriteFirst) ScaleC(C, s.Ldc, i0, i1, j0, j1, s.Beta);
            for (int jc = j0; jc < j1; jc += NC)
            {
                int nc = Math.Min(NC, j1 - jc);
                for (int kc0 = 0; kc0 < s.K; kc0 += KC)
                {
                    int kc = Math.Min(KC, s.K - kc0);
                    bool wide = UseAvx512;
                    int tileRows = wide ? WideMR : MR, tileCols = wide ? WideNR : NR;
                    PackB(B, s, kc0, kc, jc, nc, packB, tileCols);
                    for (int ic = i0; ic < i1; ic += MC)
                    {
                        int mc = Math.Min(MC, i1 - ic);
                        PackA(A, s, ic, mc, kc0, kc, packA, tileRows);
                        for (int jr = 0; jr < nc; jr += tileCols)
                        {
                            int nr = Math.Min(tileCols, nc - jr);
                            for (int ir = 0; ir < mc; ir += tileRows)
                            {
                                int mr = Math.Min(tileRows, mc - ir);
                                float* tileC = C + (ic + ir) * s.Ldc + jc + jr;
                                bool overwrite = overwriteFirst && kc0 == 0;
                                if (wide) MicroKernel512(kc, packA + ir * kc, packB + jr * kc, tileC, s.Ldc, s.Alpha, mr, nr, overwrite);
                                else MicroKernel(kc, packA + ir * kc, packB + jr * kc, tileC, s.Ldc, s.Alpha, mr, nr, overwrite);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Floats a packed operand of <paramref name="rows"/> × <paramref name="k"/> needs (rows rounded up to whole panels).</summary>
    public static int PackedASize(int rows, int k) => (rows + MR - 1) / MR * MR * k;

    /// <inheritdoc cref="PackedASize"/>
    public static int PackedBSize(int cols, int k) => (cols + NR - 1) / NR * NR * k;

    /// <summary>Packs op(X) (rows × k; X row-major with leading dimension ld, transposed when asked) as A panels for <see cref="MultiplyPacked"/>.</summary>
    public static void PackAsA(float* x, int ld, bool transposed, int rows, int k, float* dst) =>
        PackA(x, new GemmShape { Lda = ld, TransposeA = transposed ? 1 : 0 }, 0, rows, 0, k, dst, MR);

    /// <summary>Packs op(X) (k × cols; X row-major with leading dimension ld, transposed when asked) as B panels (32-byte aligned destination).</summary>
    public static void PackAsB(float* x, int ld, bool transposed, int k, int cols, float* dst) =>
        PackB(x, new GemmShape { Ldb = ld, TransposeB = transposed ? 1 : 0 }, 0, k, 0, cols, dst, NR);

    /// <summary>
    /// C (rows × cols, leading dimension ldc) = (or +=, without <paramref name="overwrite"/>) α·A·B from
    /// operands packed by <see cref="PackAsA"/> / <see cref="PackAsB"/> with the same k. For callers that
    /// reuse a packed operand across many products (the fused losses); one thread.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyPacked(float* a, int rows, float* b, int cols, int k, float* c, int ldc, float alpha, bool overwrite)
    {
        for (int jr = 0; jr < cols; jr += NR)
        {
            int nr = Math.Min(NR, cols - jr);
            for (int ir = 0; ir < rows; ir += MR)
                MicroKernel(k, a + ir * k, b + jr * k, c + ir * ldc + jr, ldc, alpha, Math.Min(MR, rows - ir), nr, overwrite);
        }
    }

    private static void ScaleC(float* c, int ldc, int i0, int i1, int j0, int j1, float beta)
    {
        if (beta == 1f) return;
        for (int i = i0; i < i1; i++)
        {
            var row = new Span<float>(c + i * ldc + j0, j1 - j0);
            if (beta == 0f) row.Clear();
            else for (int j = 0; j < row.Length; j++) row[j] *= beta;
        }
    }

    /// <summary>dst[panel][p][r] = op(A)[ic + panel·mr + r, k0 + p] for panels <paramref name="mr"/> rows tall, zero past the edge.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(float* a, GemmShape s, int ic, int mc, int k0, int kc, float* dst, int mr)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            float* panel = dst + ir * kc;
            int rows = Math.Min(mr, mc - ir);
            if (s.TransposeA == 0 && mr == MR)
            {
                PackSixRows(a + (ic + ir) * s.Lda + k0, s.Lda, rows, kc, panel);
            }
            else if (s.TransposeA == 0)
            {
                for (int r = 0; r < mr; r++)
                {
                    if (r < rows)
                    {
                        float* src = a + (ic + ir + r) * s.Lda + k0;
                        for (int p = 0; p < kc; p++) panel[p * mr + r] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) panel[p * mr + r] = 0f;
                    }
                }
            }
            else if (mr == MR && rows == MR)
            {
                // Op(A)'s six rows are six adjacent values of each stored row: one 4-float and one 8-byte copy per k.
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (k0 + p) * s.Lda + ic + ir;
                    Vector128.Load(src).Store(panel + p * MR);
                    *(long*)(panel + p * MR + 4) = *(long*)(src + 4);
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (k0 + p) * s.Lda + ic + ir;
                    for (int r = 0; r < mr; r++) panel[p * mr + r] = r < rows ? src[r] : 0f;
                }
            }
        }
    }

    /// <summary>
    /// One 6-row panel of a row-major A: panel[p·6 + r] = a[r·ld + p] for p &lt; k (zero rows from <paramref name="rows"/> on).
    /// Eight columns at a time, the 6 rows (and two zero rows) are transposed in registers and each column's six values are
    /// stored as four and two (never past the column's run); the last k mod 8 columns go one value at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackSixRows(float* a, int ld, int rows, int k, float* panel)
    {
        int p = 0;
        for (; p + 8 <= k; p += 8)
        {
            var r0 = Vector256.Load(a + p);
            var r1 = rows > 1 ? Vector256.Load(a + ld + p) : Vector256<float>.Zero;
            var r2 = rows > 2 ? Vector256.Load(a + 2 * ld + p) : Vector256<float>.Zero;
            var r3 = rows > 3 ? Vector256.Load(a + 3 * ld + p) : Vector256<float>.Zero;
            var r4 = rows > 4 ? Vector256.Load(a + 4 * ld + p) : Vector256<float>.Zero;
            var r5 = rows > 5 ? Vector256.Load(a + 5 * ld + p) : Vector256<float>.Zero;
            var r6 = Vector256<float>.Zero;
            var r7 = Vector256<float>.Zero;
            IndirectSgemm.Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
            float* target = panel + p * MR;
            StoreSix(r0, target);
            StoreSix(r1, target + MR);
            StoreSix(r2, target + 2 * MR);
            StoreSix(r3, target + 3 * MR);
            StoreSix(r4, target + 4 * MR);
            StoreSix(r5, target + 5 * MR);
            StoreSix(r6, target + 6 * MR);
            StoreSix(r7, target + 7 * MR);
        }
        for (; p < k; p++)
            for (int r = 0; r < MR; r++) panel[p * MR + r] = r < rows ? a[r * ld + p] : 0f;
    }

    // Lanes 0-5 of v: one 4-float store and one 8-byte store.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreSix(Vector256<float> v, float* target)
    {
        v.GetLower().Store(target);
        Sse2.StoreLow((double*)(target + 4), v.GetUpper().AsDouble());
    }

    /// <summary>dst[panel][p][c] = op(B)[k0 + p, jc + panel·nr + c] for panels <paramref name="nr"/> (a multiple of 8) wide, zero past the edge.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(float* b, GemmShape s, int k0, int kc, int jc, int nc, float* dst, int nr)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            float* panel = dst + jr * kc;
            int cols = Math.Min(nr, nc - jr);
            if (s.TransposeB == 0)
            {
                if (cols == nr)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* src = b + (k0 + p) * s.Ldb + jc + jr;
                        for (int q = 0; q < nr; q += 8) Avx.Store(panel + p * nr + q, Avx.LoadVector256(src + q));
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* src = b + (k0 + p) * s.Ldb + jc + jr;
                        for (int col = 0; col < nr; col++) panel[p * nr + col] = col < cols ? src[col] : 0f;
                    }
                }
            }
            else
            {
                for (int col = 0; col < nr; col++)
                {
                    if (col < cols)
                    {
                        float* src = b + (jc + jr + col) * s.Ldb + k0;
                        for (int p = 0; p < kc; p++) panel[p * nr + col] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) panel[p * nr + col] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>C[0..mr, 0..nr] (+)= α · Apanel(6×kc) · Bpanel(kc×16); overwrites instead of adding when <paramref name="overwrite"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel(int kc, float* a, float* b, float* c, int ldc, float alpha, int mr, int nr, bool overwrite)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        // Touch the C tile now so its lines arrive while the K loop runs.
        for (int r = 0; r < mr; r++)
        {
            Sse.Prefetch0(c + r * ldc);
            Sse.Prefetch0(c + r * ldc + NR - 1);
        }
        for (int p = 0; p < kc; p++)
        {
            Sse.Prefetch0(a + 8 * MR);
            var b0 = Avx.LoadAlignedVector256(b);
            var b1 = Avx.LoadAlignedVector256(b + 8);
            var av = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(av, b0, c00); c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(av, b0, c10); c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(av, b0, c20); c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(av, b0, c30); c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(av, b0, c40); c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(av, b0, c50); c51 = Fma.MultiplyAdd(av, b1, c51);
            a += MR;
            b += NR;
        }
        var va = Vector256.Create(alpha);
        if (mr == MR && nr == NR && overwrite)
        {
            Store(c, va, c00, c01);
            Store(c + ldc, va, c10, c11);
            Store(c + 2 * ldc, va, c20, c21);
            Store(c + 3 * ldc, va, c30, c31);
            Store(c + 4 * ldc, va, c40, c41);
            Store(c + 5 * ldc, va, c50, c51);
            return;
        }
        if (mr == MR && nr == NR)
        {
            Accumulate(c, va, c00, c01);
            Accumulate(c + ldc, va, c10, c11);
            Accumulate(c + 2 * ldc, va, c20, c21);
            Accumulate(c + 3 * ldc, va, c30, c31);
            Accumulate(c + 4 * ldc, va, c40, c41);
            Accumulate(c + 5 * ldc, va, c50, c51);
            return;
        }
        float* tile = stackalloc float[MR * NR];
        Avx.Store(tile, c00); Avx.Store(tile + 8, c01);
        Avx.Store(tile + 16, c10); Avx.Store(tile + 24, c11);
        Avx.Store(tile + 32, c20); Avx.Store(tile + 40, c21);
        Avx.Store(tile + 48, c30); Avx.Store(tile + 56, c31);
        Avx.Store(tile + 64, c40); Avx.Store(tile + 72, c41);
        Avx.Store(tile + 80, c50); Avx.Store(tile + 88, c51);
        WriteEdge(tile, NR, c, ldc, alpha, mr, nr, overwrite);
    }

    /// <summary>An edge tile's valid mr×nr corner (from <paramref name="tile"/>, rows <paramref name="tileCols"/> apart) into C, scaled by α.</summary>
    private static void WriteEdge(float* tile, int tileCols, float* c, int ldc, float alpha, int mr, int nr, bool overwrite)
    {
        for (int r = 0; r < mr; r++)
            for (int j = 0; j < nr; j++)
                c[r * ldc + j] = overwrite ? alpha * tile[r * tileCols + j] : c[r * ldc + j] + alpha * tile[r * tileCols + j];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* row, Vector256<float> alpha, Vector256<float> lo, Vector256<float> hi)
    {
        Avx.Store(row, Avx.Multiply(alpha, lo));
        Avx.Store(row + 8, Avx.Multiply(alpha, hi));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(float* row, Vector256<float> alpha, Vector256<float> lo, Vector256<float> hi)
    {
        Avx.Store(row, Fma.MultiplyAdd(alpha, lo, Avx.LoadVector256(row)));
        Avx.Store(row + 8, Fma.MultiplyAdd(alpha, hi, Avx.LoadVector256(row + 8)));
    }

    /// <summary>
    /// The AVX-512 micro-kernel, 12×32: C[0..mr, 0..nr] (+)= α · Apanel(12×kc) · Bpanel(kc×32). 24 zmm accumulators + 2 B
    /// vectors + 1 broadcast of A = 27 of 32 registers; per k, 2 loads and 12 broadcasts feed 24 FMAs (the AVX2 kernel
    /// needs 8 memory operands for 12).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel512(int kc, float* a, float* b, float* c, int ldc, float alpha, int mr, int nr, bool overwrite)
    {
        Vector512<float> c0_0 = default, c0_1 = default;
        Vector512<float> c1_0 = default, c1_1 = default;
        Vector512<float> c2_0 = default, c2_1 = default;
        Vector512<float> c3_0 = default, c3_1 = default;
        Vector512<float> c4_0 = default, c4_1 = default;
        Vector512<float> c5_0 = default, c5_1 = default;
        Vector512<float> c6_0 = default, c6_1 = default;
        Vector512<float> c7_0 = default, c7_1 = default;
        Vector512<float> c8_0 = default, c8_1 = default;
        Vector512<float> c9_0 = default, c9_1 = default;
        Vector512<float> c10_0 = default, c10_1 = default;
        Vector512<float> c11_0 = default, c11_1 = default;
        for (int r = 0; r < mr; r++)
        {
            Sse.Prefetch0(c + r * ldc);
            Sse.Prefetch0(c + r * ldc + WideNR - 1);
        }
        for (int p = 0; p < kc; p++)
        {
            Sse.Prefetch0(a + 8 * WideMR);
            var b0 = Avx512F.LoadAlignedVector512(b);
            var b1 = Avx512F.LoadAlignedVector512(b + 16);
            var a0 = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0, b0, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0, b1, c0_1);
            var a1 = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1, b0, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1, b1, c1_1);
            var a2 = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2, b0, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2, b1, c2_1);
            var a3 = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3, b0, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3, b1, c3_1);
            var a4 = Vector512.Create(a[4]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4, b0, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4, b1, c4_1);
            var a5 = Vector512.Create(a[5]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5, b0, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5, b1, c5_1);
            var a6 = Vector512.Create(a[6]);
            c6_0 = Avx512F.FusedMultiplyAdd(a6, b0, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(a6, b1, c6_1);
            var a7 = Vector512.Create(a[7]);
            c7_0 = Avx512F.FusedMultiplyAdd(a7, b0, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(a7, b1, c7_1);
            var a8 = Vector512.Create(a[8]);
            c8_0 = Avx512F.FusedMultiplyAdd(a8, b0, c8_0); c8_1 = Avx512F.FusedMultiplyAdd(a8, b1, c8_1);
            var a9 = Vector512.Create(a[9]);
            c9_0 = Avx512F.FusedMultiplyAdd(a9, b0, c9_0); c9_1 = Avx512F.FusedMultiplyAdd(a9, b1, c9_1);
            var a10 = Vector512.Create(a[10]);
            c10_0 = Avx512F.FusedMultiplyAdd(a10, b0, c10_0); c10_1 = Avx512F.FusedMultiplyAdd(a10, b1, c10_1);
            var a11 = Vector512.Create(a[11]);
            c11_0 = Avx512F.FusedMultiplyAdd(a11, b0, c11_0); c11_1 = Avx512F.FusedMultiplyAdd(a11, b1, c11_1);
            a += WideMR;
            b += WideNR;
        }
        var va = Vector512.Create(alpha);
        if (mr == WideMR && nr == WideNR)
        {
            Write512(c + 0 * ldc, va, c0_0, c0_1, overwrite);
            Write512(c + 1 * ldc, va, c1_0, c1_1, overwrite);
            Write512(c + 2 * ldc, va, c2_0, c2_1, overwrite);
            Write512(c + 3 * ldc, va, c3_0, c3_1, overwrite);
            Write512(c + 4 * ldc, va, c4_0, c4_1, overwrite);
            Write512(c + 5 * ldc, va, c5_0, c5_1, overwrite);
            Write512(c + 6 * ldc, va, c6_0, c6_1, overwrite);
            Write512(c + 7 * ldc, va, c7_0, c7_1, overwrite);
            Write512(c + 8 * ldc, va, c8_0, c8_1, overwrite);
            Write512(c + 9 * ldc, va, c9_0, c9_1, overwrite);
            Write512(c + 10 * ldc, va, c10_0, c10_1, overwrite);
            Write512(c + 11 * ldc, va, c11_0, c11_1, overwrite);
            return;
        }
        float* tile = stackalloc float[WideMR * WideNR];
        Avx512F.Store(tile + 0, c0_0); Avx512F.Store(tile + 16, c0_1);
        Avx512F.Store(tile + 32, c1_0); Avx512F.Store(tile + 48, c1_1);
        Avx512F.Store(tile + 64, c2_0); Avx512F.Store(tile + 80, c2_1);
        Avx512F.Store(tile + 96, c3_0); Avx512F.Store(tile + 112, c3_1);
        Avx512F.Store(tile + 128, c4_0); Avx512F.Store(tile + 144, c4_1);
        Avx512F.Store(tile + 160, c5_0); Avx512F.Store(tile + 176, c5_1);
        Avx512F.Store(tile + 192, c6_0); Avx512F.Store(tile + 208, c6_1);
        Avx512F.Store(tile + 224, c7_0); Avx512F.Store(tile + 240, c7_1);
        Avx512F.Store(tile + 256, c8_0); Avx512F.Store(tile + 272, c8_1);
        Avx512F.Store(tile + 288, c9_0); Avx512F.Store(tile + 304, c9_1);
        Avx512F.Store(tile + 320, c10_0); Avx512F.Store(tile + 336, c10_1);
        Avx512F.Store(tile + 352, c11_0); Avx512F.Store(tile + 368, c11_1);
        WriteEdge(tile, WideNR, c, ldc, alpha, mr, nr, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write512(float* row, Vector512<float> alpha, Vector512<float> lo, Vector512<float> hi, bool overwrite)
    {
        if (overwrite)
        {
            Avx512F.Store(row, Avx512F.Multiply(alpha, lo));
            Avx512F.Store(row + 16, Avx512F.Multiply(alpha, hi));
        }
        else
        {
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(alpha, lo, Avx512F.LoadVector512(row)));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(alpha, hi, Avx512F.LoadVector512(row + 16)));
        }
    }
}
