using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>The matmul family on the managed CPU backend.</summary>
internal sealed partial class CpuBackend
{
    public void Gemm(BufferSlice a, BufferSlice b, BufferSlice c, GemmShape shape, int batch)
    {
        if (a.Buffer is CpuBuffer<float>)
            PackedSgemm.Batched(Array<float>(a), a.Offset, Array<float>(b), b.Offset, Array<float>(c), c.Offset, shape, batch);
        else
            ReferenceGemm.Batched(Array<double>(a), a.Offset, Array<double>(b), b.Offset, Array<double>(c), c.Offset, shape, batch);
    }
}
