namespace NativeContrast;

/// <summary>
/// Which ILGPU kernels compute the fused contrastive losses (forward statistics and recompute
/// backward) on an <see cref="IlgpuDevice"/>. All give the same results within float32 rounding;
/// <c>check</c> and the GPU runner compare and time each.
/// </summary>
public enum ContrastiveKernelVariant
{
    /// <summary>One thread per anchor streaming every candidate (variant 1; the reference GPU path).</summary>
    Naive,

    /// <summary>Shared-memory tiles and 4×4 register micro-tiles per thread (variant 2; the default).</summary>
    Tiled,

    /// <summary>
    /// The similarity and gradient products on TF32 tensor cores (inline PTX <c>mma.sync</c>, fp32
    /// accumulation; variant 3). Inputs are rounded to TF32 (10 mantissa bits), so results differ from
    /// fp32 by up to about 1e-3 relative. On devices other than CUDA the same kernels run with a software
    /// mma (for testing).
    /// </summary>
    TensorCoreTf32,

    /// <summary>
    /// Variant 2 with each thread's four anchors and four candidates adjacent in shared memory, read as 16-byte
    /// vectors (variant 4): a quarter of the shared-memory load instructions in the similarity product, a
    /// quarter in the gradient product; rows are staged as stored and their factors (1/‖x‖) multiply the products.
    /// fp32 like variant 2 (the same results within float32 rounding).
    /// </summary>
    TiledVector,

    /// <summary>
    /// Variant 3's kernels with fp32 accuracy ("3xTF32", variant 5): each operand is split into a TF32 part and the TF32
    /// rounding of the rest, and each product is hi·hi + hi·lo + lo·hi, three mma where variant 3 runs one. What is left out
    /// is at most about 2⁻²⁰ of a product, so results match fp32 within float32 rounding (the 1e-5 bound of the fp32 variants),
    /// at three times variant 3's tensor-core work. On devices other than CUDA the software mma runs it (for testing).
    /// </summary>
    TensorCoreTf32x3,
}
