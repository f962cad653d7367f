using ILGPU;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>The shape family's ILGPU launches.</summary>
internal sealed partial class IlgpuBackend
{
    public void IndexSelect(BufferSlice x, BufferSlice index, BufferSlice y, int outer, int n, int m, int inner)
    {
        if (y.Length == 0) return;
        if (x.Buffer is not IlgpuBuffer<float>) throw new NotSupportedException("Gather on ILGPU devices supports float32 tensors.");
        Grouped<ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int>(IndexKernels.IndexSelect)(
            y.Length, F(x), I(index), F(y), n, m, inner);
    }

    public void IndexAdd(BufferSlice g, BufferSlice index, BufferSlice dx, int outer, int n, int m, int inner)
    {
        if (g.Length == 0) return;
        Grouped<ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int>(IndexKernels.IndexAdd)(
            g.Length, F(g), I(index), F(dx), n, m, inner);
    }
}
