using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// How the tensor-core contrastive kernels turn fp32 values into TF32 <c>mma</c> operands: what staging writes to shared
/// memory, how a lane's A fragment is prepared once per k-step (it serves 8 n-tiles), and the product of one tile.
/// <see cref="Tf32Operands"/> (variant 3) rounds each value to TF32; <see cref="SplitTf32Operands"/> (variant 5) keeps
/// fp32 accuracy with three TF32 products. The kernels are generic over it, so each gets its own compiled code.
/// </summary>
public interface ITensorCoreOperands
{
    /// <summary>The 32-bit word staged in shared memory for the value <paramref name="x"/>.</summary>
    uint Stage(float x);

    /// <summary>A's fragment (a0…a3 of <see cref="Tf32Mma"/>) from four staged words.</summary>
    Tf32Fragment FragmentA(uint a0, uint a1, uint a2, uint a3);

    /// <summary>Tile n of register set <paramref name="set"/> += A × B, with B's fragment (b0, b1) as staged words; set and n constants.</summary>
    MmaAccumulators Mma(MmaAccumulators acc, int set, int n, Tf32Fragment a, uint b0, uint b1, ArrayView<uint> scratch);
}
