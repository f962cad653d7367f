using ILGPU;
using NativeContrast.Kernels;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Backends;

/// <summary>The elementwise family's ILGPU launches.</summary>
internal sealed partial class IlgpuBackend
{
    public void Unary<TFunction>(TFunction f, BufferSlice x, BufferSlice y) where TFunction : struct, IUnaryFunction
    {
        if (x.Length == 0) return;
        Grouped<ArrayView<float>, ArrayView<float>, TFunction>(ElementwiseKernels.Unary)(x.Length, F(x), F(y), f);
    }

    public void Binary<TFunction>(TFunction f, BufferSlice a, BufferSlice b, BufferSlice y, StridedPair? layout) where TFunction : struct, IBinaryFunction
    {
        if (y.Length == 0) return;
        if (layout is null)
        {
            Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, TFunction>(ElementwiseKernels.Binary)(y.Length, F(a), F(b), F(y), f);
        }
        else
        {
            Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedPair, TFunction>(ElementwiseKernels.BinaryStrided)(
                y.Length, F(a), F(b), F(y), layout.Value, f);
        }
    }

    public void StridedCopy(BufferSlice source, BufferSlice destination, StridedPair layout, int count)
    {
        if (count == 0) return;
        if (source.Buffer is IlgpuBuffer<int>)
        {
            var s = ((IlgpuBuffer<int>)source.Buffer).View(source.Offset, source.Buffer.Length - source.Offset);
            var d = ((IlgpuBuffer<int>)destination.Buffer).View(destination.Offset, destination.Buffer.Length - destination.Offset);
            Grouped<ArrayView<int>, ArrayView<int>, StridedPair>(ElementwiseKernels.StridedCopyInt)(count, s, d, layout);
            return;
        }
        Grouped<ArrayView<float>, ArrayView<float>, StridedPair>(ElementwiseKernels.StridedCopy)(
            count, FTail(source), FTail(destination), layout);
    }
}
