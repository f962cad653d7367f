using System.Numerics;
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

    /// <summary>y = scale·x + shift.</summary>
    public static void Affine<T>(ReadOnlySpan<T> x, T scale, T shift, Span<T> y) where T : unmanaged, INumber<T>
    {
        int k = 0;
        if (typeof(T) == typeof(float))
        {
            var fx = MemoryMarshal.Cast<T, float>(x);
            var fy = MemoryMarshal.Cast<T, float>(y);
            var vs = Vector256.Create(float.CreateChecked(scale));
            var vb = Vector256.Create(float.CreateChecked(shift));
            for (; k <= fx.Length - 8; k += 8) (Vector256.Create(fx.Slice(k, 8)) * vs + vb).CopyTo(fy.Slice(k, 8));
        }
        for (; k < x.Length; k++) y[k] = x[k] * scale + shift;
    }

    /// <summary>y = a·u + b·v + c.</summary>
    public static void AffineOfTwo<T>(ReadOnlySpan<T> u, T a, ReadOnlySpan<T> v, T b, T c, Span<T> y) where T : unmanaged, INumber<T>
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
            for (; k <= fu.Length - 8; k += 8) (Vector256.Create(fu.Slice(k, 8)) * va + Vector256.Create(fv.Slice(k, 8)) * vb + vc).CopyTo(fy.Slice(k, 8));
        }
        for (; k < u.Length; k++) y[k] = a * u[k] + b * v[k] + c;
    }
}
