using ILGPU;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>The reduction family's ILGPU launches.</summary>
internal sealed partial class IlgpuBackend
{
    public void SumAxis(BufferSlice x, BufferSlice y, int outer, int reduced, int inner)
    {
        if (y.Length == 0) return;
        Grouped<ArrayView<float>, ArrayView<float>, int, int>(ReductionKernels.SumAxis)(
            outer * inner, F(x), F(y), reduced, inner);
    }

    public void MaxAxis(BufferSlice x, BufferSlice y, BufferSlice argMax, int outer, int reduced, int inner)
    {
        if (y.Length == 0) return;
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int>(ReductionKernels.MaxAxis)(
            outer * inner, F(x), F(y), I(argMax), reduced, inner);
    }

    public void ScatterAxis(BufferSlice g, BufferSlice argMax, BufferSlice dx, int outer, int reduced, int inner)
    {
        if (g.Length == 0) return;
        Grouped<ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int>(ReductionKernels.ScatterAxis)(
            outer * inner, F(g), I(argMax), F(dx), reduced, inner);
    }
}
