using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NativeContrast.Backends;

/// <summary>Reductions and affine maps over one contiguous plane (a channel of one image), Vector256 for float32, scalar for float64.</summary>
internal static class PlaneMath
{
    public static double Sum<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
        {
            var f = MemoryMarshal.Cast<T, float>(x);
            var acc = Vector256<float>.Zero;
            int k = 0;
            for (; k <= f.Length - 8; k += 8) acc += Vector256.Create(f.Slice(k, 8));
            double total = Vector256.Sum(acc);
            for (; k < f.Length; k++) total += f[k];
            return total;
        }
        double sum = 0;
        foreach (var v in x) sum += double.CreateChecked(v);
        return sum;
    }

    /// <summary>Σ (x − mean)².</summary>
    public static double CenteredSquares<T>(ReadOnlySpan<T> x, double mean) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
        {
            var f = MemoryMarshal.Cast<T, float>(x);
            var mu = Vector256.Create((float)mean);
            var acc = Vector256<float>.Zero;
            int k = 0;
            for (; k <= f.Length - 8; k += 8)
            {
                var d = Vector256.Create(f.Slice(k, 8)) - mu;
                acc += d * d;
            }
            double total = Vector256.Sum(acc);
            for (; k < f.Length; k++) total += (f[k] - mean) * (f[k] - mean);
            return total;
        }
        double sum = 0;
        foreach (var v in x)
        {
            double d = double.CreateChecked(v) - mean;
            sum += d * d;
        }
        return sum;
    }

    public static double Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
        {
            var fa = MemoryMarshal.Cast<T, float>(a);
            var fb = MemoryMarshal.Cast<T, float>(b);
            var acc = Vector256<float>.Zero;
            int k = 0;
            for (; k <= fa.Length - 8; k += 8) acc += Vector256.Create(fa.Slice(k, 8)) * Vector256.Create(fb.Slice(k, 8));
            double total = Vector256.Sum(acc);
            for (; k < fa.Length; k++) total += fa[k] * fb[k];
            return total;
        }
        double sum = 0;
        for (int k = 0; k < a.Length; k++) sum += double.CreateChecked(a[k] * b[k]);
        return sum;
    }

    /// <summary>y = scale·x + shift, then max(y, 0) when <paramref name="relu"/>.</summary>
    public static void Affine<T>(ReadOnlySpan<T> x, T scale, T shift, Span<T> y, bool relu = false) where T : unmanaged, INumber<T>
    {
        int k = 0;
        if (typeof(T) == typeof(float))
        {
            var fx = MemoryMarshal.Cast<T, float>(x);
            var fy = MemoryMarshal.Cast<T, float>(y);
            var vs = Vector256.Create(float.CreateChecked(scale));
            var vb = Vector256.Create(float.CreateChecked(shift));
            if (relu)
                for (; k <= fx.Length - 8; k += 8) Vector256.Max(Pre(Vector256.Create(fx.Slice(k, 8)), vs, vb), Vector256<float>.Zero).CopyTo(fy.Slice(k, 8));
            else
                for (; k <= fx.Length - 8; k += 8) Pre(Vector256.Create(fx.Slice(k, 8)), vs, vb).CopyTo(fy.Slice(k, 8));
        }
        for (; k < x.Length; k++)
        {
            T z = Pre(x[k], scale, shift);
            y[k] = relu && !(z > T.Zero) ? T.Zero : z;
        }
    }

    /// <summary>(Σ g·m, Σ g·m·x) with the ReLU mask m = [scale·x + shift &gt; 0], computed exactly as <see cref="Affine{T}"/> computes it.</summary>
    public static (double Sum, double Dot) MaskedSumAndDot<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T scale, T shift) where T : unmanaged, INumber<T>
    {
        int k = 0;
        double sum = 0, dot = 0;
        if (typeof(T) == typeof(float))
        {
            var fg = MemoryMarshal.Cast<T, float>(g);
            var fx = MemoryMarshal.Cast<T, float>(x);
            var vs = Vector256.Create(float.CreateChecked(scale));
            var vb = Vector256.Create(float.CreateChecked(shift));
            Vector256<float> sumAcc = Vector256<float>.Zero, dotAcc = Vector256<float>.Zero;
            for (; k <= fx.Length - 8; k += 8)
            {
                var xv = Vector256.Create(fx.Slice(k, 8));
                var gv = Vector256.ConditionalSelect(Vector256.GreaterThan(Pre(xv, vs, vb), Vector256<float>.Zero), Vector256.Create(fg.Slice(k, 8)), Vector256<float>.Zero);
                sumAcc += gv;
                dotAcc += gv * xv;
            }
            sum = Vector256.Sum(sumAcc);
            dot = Vector256.Sum(dotAcc);
        }
        for (; k < x.Length; k++)
        {
            if (!(Pre(x[k], scale, shift) > T.Zero)) continue;
            sum += double.CreateChecked(g[k]);
            dot += double.CreateChecked(g[k] * x[k]);
        }
        return (sum, dot);
    }

    // The value before the ReLU, one expression for the forward and both backward passes so their masks agree bit for bit.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pre(Vector256<float> x, Vector256<float> scale, Vector256<float> shift) => x * scale + shift;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Pre<T>(T x, T scale, T shift) where T : INumber<T> => x * scale + shift;

    /// <summary>
    /// y = a·u + b·v + c; with <paramref name="reluMask"/> (scale, shift), y = a·u·m + b·v + c with the ReLU mask
    /// m = [scale·v + shift &gt; 0] computed exactly as <see cref="Affine{T}"/> computes it (u the gradient, v the input).
    /// </summary>
    public static void AffineOfTwo<T>(ReadOnlySpan<T> u, T a, ReadOnlySpan<T> v, T b, T c, Span<T> y, (T Scale, T Shift)? reluMask = null) where T : unmanaged, INumber<T>
    {
        int k = 0;
        if (typeof(T) == typeof(float))
        {
            var fu = MemoryMarshal.Cast<T, float>(u);
            var fv = MemoryMarshal.Cast<T, float>(v);
            var fy = MemoryMarshal.Cast<T, float>(y);
            var va = Vector256.Create(float.CreateChecked(a));
            var vb = Vector256.Create(float.CreateChecked(b));
            var vc = Vector256.Create(float.CreateChecked(c));
            if (reluMask is { } mask)
            {
                var vs = Vector256.Create(float.CreateChecked(mask.Scale));
                var vh = Vector256.Create(float.CreateChecked(mask.Shift));
                for (; k <= fu.Length - 8; k += 8)
                {
                    var xv = Vector256.Create(fv.Slice(k, 8));
                    var gv = Vector256.ConditionalSelect(Vector256.GreaterThan(Pre(xv, vs, vh), Vector256<float>.Zero), Vector256.Create(fu.Slice(k, 8)), Vector256<float>.Zero);
                    (gv * va + xv * vb + vc).CopyTo(fy.Slice(k, 8));
                }
            }
            else
            {
                for (; k <= fu.Length - 8; k += 8) (Vector256.Create(fu.Slice(k, 8)) * va + Vector256.Create(fv.Slice(k, 8)) * vb + vc).CopyTo(fy.Slice(k, 8));
            }
        }
        for (; k < u.Length; k++)
        {
            T uk = reluMask is { } mask && !(Pre(v[k], mask.Scale, mask.Shift) > T.Zero) ? T.Zero : u[k];
            y[k] = a * uk + b * v[k] + c;
        }
    }
}
