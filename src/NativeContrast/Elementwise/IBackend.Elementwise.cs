using NativeContrast.Kernels;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Backends;

/// <summary>The elementwise family's slice of the backend interface.</summary>
internal partial interface IBackend
{
    /// <summary>y = f(x), same length; y may alias x.</summary>
    void Unary<TFunction>(TFunction f, BufferSlice x, BufferSlice y) where TFunction : struct, IUnaryFunction;

    /// <summary>y = f(a, b). With <paramref name="layout"/> null all three are contiguous of one shape (y may alias a);
    /// otherwise the layout maps each output index to offsets in a and b (broadcasting).</summary>
    void Binary<TFunction>(TFunction f, BufferSlice a, BufferSlice b, BufferSlice y, StridedPair? layout) where TFunction : struct, IBinaryFunction;

    /// <summary>destination[B(i)] = source[A(i)] for every index i of the layout's shape.</summary>
    void StridedCopy(BufferSlice source, BufferSlice destination, StridedPair layout, int count);
}
