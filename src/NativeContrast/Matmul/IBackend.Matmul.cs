using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>The matmul family's slice of the backend interface.</summary>
internal partial interface IBackend
{
    void Gemm(BufferSlice a, BufferSlice b, BufferSlice c, GemmShape shape, int batch);
}
