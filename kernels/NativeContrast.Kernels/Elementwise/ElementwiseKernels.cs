using ILGPU;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Kernels;

/// <summary>
/// Elementwise kernels: one thread per output element.
/// Variants: Fill; Unary (contiguous); Binary (contiguous, same shape); BinaryStrided
/// (broadcasting through <see cref="StridedPair"/>); StridedCopy (transpose, slice, concat,
/// expand: A = source, B = destination).
/// </summary>
public static class ElementwiseKernels
{
    /// <summary>y[i] = value.</summary>
    public static void Fill(Index1D i, ArrayView<float> y, float value) => y[i] = value;

    /// <summary>y[i] = value (int32).</summary>
    public static void FillInt(Index1D i, ArrayView<int> y, int value) => y[i] = value;

    /// <summary>y[i] = f(x[i]).</summary>
    public static void Unary<TFunction>(Index1D i, ArrayView<float> x, ArrayView<float> y, TFunction f)
        where TFunction : struct, IUnaryFunction
        => y[i] = f.Apply(x[i]);

    /// <summary>y[i] = f(a[i], b[i]) (same shapes).</summary>
    public static void Binary<TFunction>(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, TFunction f)
        where TFunction : struct, IBinaryFunction
        => y[i] = f.Apply(a[i], b[i]);

    /// <summary>y[i] = f(a[·], b[·]) with the operands read through <paramref name="index"/>'s strides (broadcasting).</summary>
    public static void BinaryStrided<TFunction>(
        Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, StridedPair index, TFunction f)
        where TFunction : struct, IBinaryFunction
    {
        index.Offsets(i, out int offsetA, out int offsetB);
        y[i] = f.Apply(a[offsetA], b[offsetB]);
    }

    /// <summary>destination[i] = source[·] read through <paramref name="index"/>'s strides (a contiguous copy of a view).</summary>
    public static void StridedCopy(Index1D i, ArrayView<float> source, ArrayView<float> destination, StridedPair index)
    {
        index.Offsets(i, out int from, out int to);
        destination[to] = source[from];
    }

    /// <summary>The int32 <see cref="StridedCopy"/>.</summary>
    public static void StridedCopyInt(Index1D i, ArrayView<int> source, ArrayView<int> destination, StridedPair index)
    {
        index.Offsets(i, out int from, out int to);
        destination[to] = source[from];
    }
}
