using ILGPU;
using ILGPU.Runtime.Cuda;

namespace NativeContrast.Kernels;

/// <summary>
/// TF32 tensor-core products for one warp: <c>mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32</c>
/// through ILGPU's inline PTX, with a software twin (warp shuffles) wherever <see cref="CudaAsm.IsSupported"/>
/// is false, so the same kernel runs, and is tested, on ILGPU's CPU accelerator.
///
/// Fragments (PTX ISA, m16n8k8 .tf32; g = lane / 4, t = lane % 4):
///   A 16×8:  a0 = A[g][t], a1 = A[g+8][t], a2 = A[g][t+4], a3 = A[g+8][t+4]
///   B 8×8:   b0 = B[t][g], b1 = B[t+4][g]            (k × n)
///   C 16×8:  c0 = C[g][2t], c1 = C[g][2t+1], c2 = C[g+8][2t], c3 = C[g+8][2t+1]
///
/// The accumulators of 8 n-tiles (a 16 × 64 block) are named PTX registers, two sets of them (set 0:
/// S0…S31, set 1: G0…G31, for kernels that keep two products), declared once per kernel by <see cref="Declare"/>: passing them as ILGPU ref operands would route every one through a
/// local-memory slot inside the loop (80× slower, DESIGN.md). Each mma names them directly and takes only
/// inputs; <see cref="Read"/> copies a tile out. Operands are rounded to TF32 (cvt.rna) before use.
/// </summary>
public static class Tf32Mma
{
    /// <summary>
    /// Declares the accumulator registers. CUDA only: call it as the first statement of a kernel entry
    /// point, before any branch. PTX wants the declaration textually before every use, and ILGPU may
    /// place a conditional block after the blocks that use the registers; the entry block always comes first.
    /// </summary>
    public static void Declare() => CudaAsm.Emit(".reg .f32 S<32>, G<32>;");

    /// <summary>Sets all 8 tiles of register set <paramref name="set"/> (a constant) to zero.</summary>
    public static MmaAccumulators Clear(MmaAccumulators software, int set)
    {
        if (CudaAsm.IsSupported)
        {
            if (set == 0)
            {
                CudaAsm.Emit("mov.f32 S0, 0f00000000; mov.f32 S1, 0f00000000; mov.f32 S2, 0f00000000; mov.f32 S3, 0f00000000;");
                CudaAsm.Emit("mov.f32 S4, 0f00000000; mov.f32 S5, 0f00000000; mov.f32 S6, 0f00000000; mov.f32 S7, 0f00000000;");
                CudaAsm.Emit("mov.f32 S8, 0f00000000; mov.f32 S9, 0f00000000; mov.f32 S10, 0f00000000; mov.f32 S11, 0f00000000;");
                CudaAsm.Emit("mov.f32 S12, 0f00000000; mov.f32 S13, 0f00000000; mov.f32 S14, 0f00000000; mov.f32 S15, 0f00000000;");
                CudaAsm.Emit("mov.f32 S16, 0f00000000; mov.f32 S17, 0f00000000; mov.f32 S18, 0f00000000; mov.f32 S19, 0f00000000;");
                CudaAsm.Emit("mov.f32 S20, 0f00000000; mov.f32 S21, 0f00000000; mov.f32 S22, 0f00000000; mov.f32 S23, 0f00000000;");
                CudaAsm.Emit("mov.f32 S24, 0f00000000; mov.f32 S25, 0f00000000; mov.f32 S26, 0f00000000; mov.f32 S27, 0f00000000;");
                CudaAsm.Emit("mov.f32 S28, 0f00000000; mov.f32 S29, 0f00000000; mov.f32 S30, 0f00000000; mov.f32 S31, 0f00000000;");
            }
            else
            {
                CudaAsm.Emit("mov.f32 G0, 0f00000000; mov.f32 G1, 0f00000000; mov.f32 G2, 0f00000000; mov.f32 G3, 0f00000000;");
                CudaAsm.Emit("mov.f32 G4, 0f00000000; mov.f32 G5, 0f00000000; mov.f32 G6, 0f00000000; mov.f32 G7, 0f00000000;");
                CudaAsm.Emit("mov.f32 G8, 0f00000000; mov.f32 G9, 0f00000000; mov.f32 G10, 0f00000000; mov.f32 G11, 0f00000000;");
                CudaAsm.Emit("mov.f32 G12, 0f00000000; mov.f32 G13, 0f00000000; mov.f32 G14, 0f00000000; mov.f32 G15, 0f00000000;");
                CudaAsm.Emit("mov.f32 G16, 0f00000000; mov.f32 G17, 0f00000000; mov.f32 G18, 0f00000000; mov.f32 G19, 0f00000000;");
                CudaAsm.Emit("mov.f32 G20, 0f00000000; mov.f32 G21, 0f00000000; mov.f32 G22, 0f00000000; mov.f32 G23, 0f00000000;");
                CudaAsm.Emit("mov.f32 G24, 0f00000000; mov.f32 G25, 0f00000000; mov.f32 G26, 0f00000000; mov.f32 G27, 0f00000000;");
                CudaAsm.Emit("mov.f32 G28, 0f00000000; mov.f32 G29, 0f00000000; mov.f32 G30, 0f00000000; mov.f32 G31, 0f00000000;");
            }
            return software;
        }
        return default;
    }

    /// <summary>Shared words the software mma needs per warp: 6 fragment registers for each of 32 lanes.</summary>
    public const int ScratchWordsPerWarp = 32 * 6;

    /// <summary>
    /// Tile n (0–7) of register set <paramref name="set"/> += A (a0…a3) × B (b0, b1); both indices constants,
    /// operands already TF32. <paramref name="scratch"/> (<see cref="ScratchWordsPerWarp"/> words of shared memory per warp)
    /// is used by the software mma only.
    /// </summary>
    public static MmaAccumulators Mma(MmaAccumulators software, int set, int n, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1, ArrayView<uint> scratch)
    {
        if (CudaAsm.IsSupported)
        {
            switch (set * 8 + n)
            {
                case 0: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {S0,S1,S2,S3}, {%0,%1,%2,%3}, {%4,%5}, {S0,S1,S2,S3};", a0, a1, a2, a3, b0, b1); break;
                case 1: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {S4,S5,S6,S7}, {%0,%1,%2,%3}, {%4,%5}, {S4,S5,S6,S7};", a0, a1, a2, a3, b0, b1); break;
                case 2: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {S8,S9,S10,S11}, {%0,%1,%2,%3}, {%4,%5}, {S8,S9,S10,S11};", a0, a1, a2, a3, b0, b1); break;
                case 3: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {S12,S13,S14,S15}, {%0,%1,%2,%3}, {%4,%5}, {S12,S13,S14,S15};", a0, a1, a2, a3, b0, b1); break;
                case 4: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {S16,S17,S18,S19}, {%0,%1,%2,%3}, {%4,%5}, {S16,S17,S18,S19};", a0, a1, a2, a3, b0, b1); break;
                case 5: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {S20,S21,S22,S23}, {%0,%1,%2,%3}, {%4,%5}, {S20,S21,S22,S23};", a0, a1, a2, a3, b0, b1); break;
                case 6: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {S24,S25,S26,S27}, {%0,%1,%2,%3}, {%4,%5}, {S24,S25,S26,S27};", a0, a1, a2, a3, b0, b1); break;
                case 7: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {S28,S29,S30,S31}, {%0,%1,%2,%3}, {%4,%5}, {S28,S29,S30,S31};", a0, a1, a2, a3, b0, b1); break;
                case 8: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {G0,G1,G2,G3}, {%0,%1,%2,%3}, {%4,%5}, {G0,G1,G2,G3};", a0, a1, a2, a3, b0, b1); break;
                case 9: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {G4,G5,G6,G7}, {%0,%1,%2,%3}, {%4,%5}, {G4,G5,G6,G7};", a0, a1, a2, a3, b0, b1); break;
                case 10: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {G8,G9,G10,G11}, {%0,%1,%2,%3}, {%4,%5}, {G8,G9,G10,G11};", a0, a1, a2, a3, b0, b1); break;
                case 11: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {G12,G13,G14,G15}, {%0,%1,%2,%3}, {%4,%5}, {G12,G13,G14,G15};", a0, a1, a2, a3, b0, b1); break;
                case 12: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {G16,G17,G18,G19}, {%0,%1,%2,%3}, {%4,%5}, {G16,G17,G18,G19};", a0, a1, a2, a3, b0, b1); break;
                case 13: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {G20,G21,G22,G23}, {%0,%1,%2,%3}, {%4,%5}, {G20,G21,G22,G23};", a0, a1, a2, a3, b0, b1); break;
                case 14: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {G24,G25,G26,G27}, {%0,%1,%2,%3}, {%4,%5}, {G24,G25,G26,G27};", a0, a1, a2, a3, b0, b1); break;
                default: CudaAsm.Emit("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {G28,G29,G30,G31}, {%0,%1,%2,%3}, {%4,%5}, {G28,G29,G30,G31};", a0, a1, a2, a3, b0, b1); break;
            }
            return software;
        }
        return software.WithTile(n, Emulate(software.Tile(n), a0, a1, a2, a3, b0, b1, scratch));
    }

    /// <summary>Tile n's c0…c3 (as X…W) of register set <paramref name="set"/>.</summary>
    public static Float4 Read(MmaAccumulators software, int set, int n)
    {
        if (!CudaAsm.IsSupported) return software.Tile(n);
        float c0, c1, c2, c3;
        switch (set * 8 + n)
        {
            case 0: CudaAsm.Emit("mov.f32 %0, S0;", out c0); CudaAsm.Emit("mov.f32 %0, S1;", out c1); CudaAsm.Emit("mov.f32 %0, S2;", out c2); CudaAsm.Emit("mov.f32 %0, S3;", out c3); break;
            case 1: CudaAsm.Emit("mov.f32 %0, S4;", out c0); CudaAsm.Emit("mov.f32 %0, S5;", out c1); CudaAsm.Emit("mov.f32 %0, S6;", out c2); CudaAsm.Emit("mov.f32 %0, S7;", out c3); break;
            case 2: CudaAsm.Emit("mov.f32 %0, S8;", out c0); CudaAsm.Emit("mov.f32 %0, S9;", out c1); CudaAsm.Emit("mov.f32 %0, S10;", out c2); CudaAsm.Emit("mov.f32 %0, S11;", out c3); break;
            case 3: CudaAsm.Emit("mov.f32 %0, S12;", out c0); CudaAsm.Emit("mov.f32 %0, S13;", out c1); CudaAsm.Emit("mov.f32 %0, S14;", out c2); CudaAsm.Emit("mov.f32 %0, S15;", out c3); break;
            case 4: CudaAsm.Emit("mov.f32 %0, S16;", out c0); CudaAsm.Emit("mov.f32 %0, S17;", out c1); CudaAsm.Emit("mov.f32 %0, S18;", out c2); CudaAsm.Emit("mov.f32 %0, S19;", out c3); break;
            case 5: CudaAsm.Emit("mov.f32 %0, S20;", out c0); CudaAsm.Emit("mov.f32 %0, S21;", out c1); CudaAsm.Emit("mov.f32 %0, S22;", out c2); CudaAsm.Emit("mov.f32 %0, S23;", out c3); break;
            case 6: CudaAsm.Emit("mov.f32 %0, S24;", out c0); CudaAsm.Emit("mov.f32 %0, S25;", out c1); CudaAsm.Emit("mov.f32 %0, S26;", out c2); CudaAsm.Emit("mov.f32 %0, S27;", out c3); break;
            case 7: CudaAsm.Emit("mov.f32 %0, S28;", out c0); CudaAsm.Emit("mov.f32 %0, S29;", out c1); CudaAsm.Emit("mov.f32 %0, S30;", out c2); CudaAsm.Emit("mov.f32 %0, S31;", out c3); break;
            case 8: CudaAsm.Emit("mov.f32 %0, G0;", out c0); CudaAsm.Emit("mov.f32 %0, G1;", out c1); CudaAsm.Emit("mov.f32 %0, G2;", out c2); CudaAsm.Emit("mov.f32 %0, G3;", out c3); break;
            case 9: CudaAsm.Emit("mov.f32 %0, G4;", out c0); CudaAsm.Emit("mov.f32 %0, G5;", out c1); CudaAsm.Emit("mov.f32 %0, G6;", out c2); CudaAsm.Emit("mov.f32 %0, G7;", out c3); break;
            case 10: CudaAsm.Emit("mov.f32 %0, G8;", out c0); CudaAsm.Emit("mov.f32 %0, G9;", out c1); CudaAsm.Emit("mov.f32 %0, G10;", out c2); CudaAsm.Emit("mov.f32 %0, G11;", out c3); break;
            case 11: CudaAsm.Emit("mov.f32 %0, G12;", out c0); CudaAsm.Emit("mov.f32 %0, G13;", out c1); CudaAsm.Emit("mov.f32 %0, G14;", out c2); CudaAsm.Emit("mov.f32 %0, G15;", out c3); break;
            case 12: CudaAsm.Emit("mov.f32 %0, G16;", out c0); CudaAsm.Emit("mov.f32 %0, G17;", out c1); CudaAsm.Emit("mov.f32 %0, G18;", out c2); CudaAsm.Emit("mov.f32 %0, G19;", out c3); break;
            case 13: CudaAsm.Emit("mov.f32 %0, G20;", out c0); CudaAsm.Emit("mov.f32 %0, G21;", out c1); CudaAsm.Emit("mov.f32 %0, G22;", out c2); CudaAsm.Emit("mov.f32 %0, G23;", out c3); break;
            case 14: CudaAsm.Emit("mov.f32 %0, G24;", out c0); CudaAsm.Emit("mov.f32 %0, G25;", out c1); CudaAsm.Emit("mov.f32 %0, G26;", out c2); CudaAsm.Emit("mov.f32 %0, G27;", out c3); break;
            default: CudaAsm.Emit("mov.f32 %0, G28;", out c0); CudaAsm.Emit("mov.f32 %0, G29;", out c1); CudaAsm.Emit("mov.f32 %0, G30;", out c2); CudaAsm.Emit("mov.f32 %0, G31;", out c3); break;
        }
        return new Float4(c0, c1, c2, c3);
    }

    /// <summary>x rounded to TF32 (10 mantissa bits, to nearest, ties away from zero: cvt.rna), as the bits mma takes.</summary>
    public static uint ToTf32(float x)
    {
        // Integer rounding rather than cvt.rna.tf32.f32: ILGPU returns asm outputs through local memory.
        uint raw = Interop.FloatAsInt(x);
        if ((raw & 0x7F800000u) == 0x7F800000u) return raw; // Inf and NaN pass unchanged
        return (raw + 0x1000u) & 0xFFFFE000u;
    }

    /// <summary>
    /// The mma of one tile, lane by lane, from the other lanes' fragments (what the tensor core computes, in
    /// fp32). The warp swaps fragments through shared memory: two warp barriers, where shuffles would take 32
    /// (each one a barrier on ILGPU's CPU accelerator).
    /// </summary>
    private static Float4 Emulate(Float4 c, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1, ArrayView<uint> scratch)
    {
        int lane = Warp.LaneIdx, g = lane / 4, t = lane % 4, warpBase = Warp.WarpIdx * ScratchWordsPerWarp;
        int own = warpBase + lane * 6;
        scratch[own] = a0;
        scratch[own + 1] = a1;
        scratch[own + 2] = a2;
        scratch[own + 3] = a3;
        scratch[own + 4] = b0;
        scratch[own + 5] = b1;
        Warp.Barrier();
        for (int q = 0; q < 4; q++)
        {
            // A[g][q], A[g+8][q], A[g][q+4], A[g+8][q+4] are a0…a3 of lane 4g + q; B[q][n], B[q+4][n] are b0, b1 of lane 4n + q.
            int rowLane = warpBase + (4 * g + q) * 6, col0Lane = warpBase + (4 * (2 * t) + q) * 6, col1Lane = warpBase + (4 * (2 * t + 1) + q) * 6;
            float rowLow = Interop.IntAsFloat(scratch[rowLane]), row8Low = Interop.IntAsFloat(scratch[rowLane + 1]);
            float rowHigh = Interop.IntAsFloat(scratch[rowLane + 2]), row8High = Interop.IntAsFloat(scratch[rowLane + 3]);
            float col0Low = Interop.IntAsFloat(scratch[col0Lane + 4]), col0High = Interop.IntAsFloat(scratch[col0Lane + 5]);
            float col1Low = Interop.IntAsFloat(scratch[col1Lane + 4]), col1High = Interop.IntAsFloat(scratch[col1Lane + 5]);
            c = new Float4(
                c.X + rowLow * col0Low + rowHigh * col0High,
                c.Y + rowLow * col1Low + rowHigh * col1High,
                c.Z + row8Low * col0Low + row8High * col0High,
                c.W + row8Low * col1Low + row8High * col1High);
        }
        Warp.Barrier();
        return c;
    }
}
