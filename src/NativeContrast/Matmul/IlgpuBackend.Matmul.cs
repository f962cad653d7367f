using ILGPU;
using ILGPU.Runtime;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>The matmul family's ILGPU launches.</summary>
internal sealed partial class IlgpuBackend
{
    public void Gemm(BufferSlice a, BufferSlice b, BufferSlice c, GemmShape shape, int batch)
    {
        var kernel = Explicit<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape>(MatmulKernels.Tiled);
        int t = MatmulKernels.Tile;
        var grid = new Index3D(Blocks(shape.N, t), Blocks(shape.M, t), batch);
        kernel(new KernelConfig(grid, new Index3D(t, t, 1)), F(a), F(b), F(c), shape);
    }
}
