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
/// Micro-kernel 6×16: 12 ymm accumulators + 2 B vectors + 1 broadcast of A = 15 of 16 registers.
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
            int extent = splitN ? s.N : s.M, align = splitN ? NR : MR;
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
                    PackB(B, s, kc0, kc, jc, nc, packB);
                    for (int ic = i0; ic < i1; ic += MC)
                    {
                        int mc = Math.Min(MC, i1 - ic);
                        PackA(A, s, ic, mc, kc0, kc, packA);
                        for (int jr = 0; jr < nc; jr += NR)
                        {
                            int nr = Math.Min(NR, nc - jr);
                            for (int ir = 0; ir < mc; ir += MR)
                            {
                                int mr = Math.Min(MR, mc - ir);
                                MicroKernel(kc, packA + ir * kc, packB + jr * kc, C + (ic + ir) * s.Ldc + jc + jr, s.Ldc, s.Alpha, mr, nr, overwriteFirst && kc0 == 0);
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
        PackA(x, new GemmShape { Lda = ld, TransposeA = transposed ? 1 : 0 }, 0, rows, 0, k, dst);

    /// <summary>Packs op(X) (k × cols; X row-major with leading dimension ld, transposed when asked) as B panels (32-byte aligned destination).</summary>
    public static void PackAsB(float* x, int ld, bool transposed, int k, int cols, float* dst) =>
        PackB(x, new GemmShape { Ldb = ld, TransposeB = transposed ? 1 : 0 }, 0, k, 0, cols, dst);

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

    /// <summary>dst[panel][p][r] = op(A)[ic + panel·MR + r, k0 + p], zero past the edge.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(float* a, GemmShape s, int ic, int mc, int k0, int kc, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR)
        {
            float* panel = dst + ir * kc;
            int rows = Math.Min(MR, mc - ir);
            if (s.TransposeA == 0)
            {
                for (int r = 0; r < MR; r++)
                {
                    if (r < rows)
                    {
                        float* src = a + (ic + ir + r) * s.Lda + k0;
                        for (int p = 0; p < kc; p++) panel[p * MR + r] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) panel[p * MR + r] = 0f;
                    }
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (k0 + p) * s.Lda + ic + ir;
                    for (int r = 0; r < MR; r++) panel[p * MR + r] = r < rows ? src[r] : 0f;
                }
            }
        }
    }

    /// <summary>dst[panel][p][c] = op(B)[k0 + p, jc + panel·NR + c], zero past the edge.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(float* b, GemmShape s, int k0, int kc, int jc, int nc, float* dst)
    {
        for (int jr = 0; jr < nc; jr += NR)
        {
            float* panel = dst + jr * kc;
            int cols = Math.Min(NR, nc - jr);
            if (s.TransposeB == 0)
            {
                if (cols == NR)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* src = b + (k0 + p) * s.Ldb + jc + jr;
                        Avx.Store(panel + p * NR, Avx.LoadVector256(src));
                        Avx.Store(panel + p * NR + 8, Avx.LoadVector256(src + 8));
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* src = b + (k0 + p) * s.Ldb + jc + jr;
                        for (int col = 0; col < NR; col++) panel[p * NR + col] = col < cols ? src[col] : 0f;
                    }
                }
            }
            else
            {
                for (int col = 0; col < NR; col++)
                {
                    if (col < cols)
                    {
                        float* src = b + (jc + jr + col) * s.Ldb + k0;
                        for (int p = 0; p < kc; p++) panel[p * NR + col] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) panel[p * NR + col] = 0f;
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
        for (int r = 0; r < mr; r++)
            for (int j = 0; j < nr; j++)
                c[r * ldc + j] = overwrite ? alpha * tile[r * NR + j] : c[r * ldc + j] + alpha * tile[r * NR + j];
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
}
