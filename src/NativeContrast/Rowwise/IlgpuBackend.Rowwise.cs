using ILGPU;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>The rowwise family's ILGPU launches.</summary>
internal sealed partial class IlgpuBackend
{
    public void L2Normalize(BufferSlice x, BufferSlice y, BufferSlice norms, int rows, int cols, float eps) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(RowwiseKernels.L2Normalize)(
            rows, F(x), F(y), F(norms), cols, eps);

    public void L2NormalizeBackward(BufferSlice g, BufferSlice y, BufferSlice norms, BufferSlice dx, int rows, int cols, float eps) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(RowwiseKernels.L2NormalizeBackward)(
            rows, F(g), F(y), F(norms), F(dx), cols, eps);

    public void LogSoftmax(BufferSlice x, BufferSlice y, int rows, int cols) =>
        Grouped<ArrayView<float>, ArrayView<float>, int>(RowwiseKernels.LogSoftmax)(rows, F(x), F(y), cols);

    public void LogSoftmaxBackward(BufferSlice g, BufferSlice y, BufferSlice dx, int rows, int cols) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(RowwiseKernels.LogSoftmaxBackward)(
            rows, F(g), F(y), F(dx), cols);

    public void CrossEntropy(BufferSlice logits, BufferSlice labels, BufferSlice loss, BufferSlice lse, int rows, int cols) =>
        Grouped<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int>(RowwiseKernels.CrossEntropy)(
            rows, F(logits), I(labels), F(loss), F(lse), cols);

    public void CrossEntropyBackward(BufferSlice logits, BufferSlice labels, BufferSlice lse, BufferSlice g, BufferSlice dx, int rows, int cols, double scale) =>
        Grouped<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(RowwiseKernels.CrossEntropyBackward)(
            rows, F(logits), I(labels), F(lse), F(g), F(dx), cols, (float)scale);

    public void RowNorms(BufferSlice x, BufferSlice norms, BufferSlice inverseNorms, int rows, int cols, float eps) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(RowwiseKernels.RowNorms)(
            rows, F(x), F(norms), F(inverseNorms), cols, eps);

    public void RowDots(BufferSlice a, BufferSlice b, BufferSlice dots, int rows, int cols) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(RowwiseKernels.RowDots)(
            rows, F(a), F(b), F(dots), cols);

    public void L2NormalizeBackwardInPlace(BufferSlice gradient, BufferSlice x, BufferSlice norms, int rows, int cols, float eps) =>
        Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(RowwiseKernels.L2NormalizeBackwardInPlace)(
            rows, F(gradient), F(x), F(norms), cols, eps);
}
