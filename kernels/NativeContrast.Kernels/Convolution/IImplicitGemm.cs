namespace NativeContrast.Kernels;

/// <summary>
/// A matrix product C[M×N] = A[M×K]·B[K×N] whose operands are read in place (no unfolded copy): the
/// convolution directions implement it (<see cref="ConvForwardGemm"/>, <see cref="ConvDataGemm"/>,
/// <see cref="ConvFilterGemm"/>) and <see cref="ConvolutionKernels.ImplicitGemmTiled{TGemm}"/> tiles it.
/// A and B return 0 outside the operand (padding, strides that skip a position).
/// </summary>
public interface IImplicitGemm
{
    /// <summary>Rows of the product.</summary>
    int M { get; }

    /// <summary>Columns of the product.</summary>
    int N { get; }

    /// <summary>The reduced dimension.</summary>
    int K { get; }

    /// <summary>Element (m, k) of the left operand, computed from the tensors (never materialized).</summary>
    float A(int m, int k);

    /// <summary>Element (k, n) of the right operand, computed from the tensors.</summary>
    float B(int k, int n);

    /// <summary>Writes element (m, n) of the product where it belongs.</summary>
    void Store(int m, int n, float value);
}
