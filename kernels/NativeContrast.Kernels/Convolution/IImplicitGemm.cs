namespace NativeContrast.Kernels;

/// <summary>
/// A matrix product C[M×N] = A[M×K]·B[K×N] whose operands are read in place (no unfolded copy): the
/// convolution directions implement it (<see cref="ConvForwardGemm"/>, <see cref="ConvDataGemm"/>,
/// <see cref="ConvFilterGemm"/>) and <see cref="ConvolutionKernels.ImplicitGemmTiled{TGemm}"/> tiles it.
/// A and B return 0 outside the operand (padding, strides that skip a position).
/// </summary>
public interface IImplicitGemm
{
    int M { get; }

    int N { get; }

    int K { get; }

    float A(int m, int k);

    float B(int k, int n);

    void Store(int m, int n, float value);
}
