using System.Numerics;
using NativeContrast.Kernels;

namespace NativeContrast.Backends;

/// <summary>One product on the calling thread: the packed SGEMM for float32, the plain loop (α in full precision) for float64.</summary>
internal static class CpuGemm
{
    public static void Serial<T>(T[] a, int offsetA, T[] b, int offsetB, T[] c, int offsetC, GemmShape s, double alpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            s.Alpha = (float)alpha;
            PackedSgemm.Serial((float[])(object)a, offsetA, (float[])(object)b, offsetB, (float[])(object)c, offsetC, s);
        }
        else
        {
            ReferenceGemm.Serial(a, offsetA, b, offsetB, c, offsetC, s, alpha);
        }
    }
}
