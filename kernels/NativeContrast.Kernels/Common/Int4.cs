using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>Four ints kept in registers (the keys of a thread's four columns).</summary>
public struct Int4
{
    /// <summary>The four lanes.</summary>
    public int X, Y, Z, W;

    /// <summary>Four lanes from their values.</summary>
    public Int4(int x, int y, int z, int w)
    {
        X = x;
        Y = y;
        Z = z;
        W = w;
    }

    /// <summary>view[start + j·stride] for j = 0…3, or −1 where that index is at or past <paramref name="count"/>.</summary>
    public static Int4 LoadGuarded(ArrayView<int> view, int start, int stride, int count) => new(
        start < count ? view[start] : -1,
        start + stride < count ? view[start + stride] : -1,
        start + 2 * stride < count ? view[start + 2 * stride] : -1,
        start + 3 * stride < count ? view[start + 3 * stride] : -1);

    /// <summary>view[index.X], … for the four indices, or −1 for an index at or past <paramref name="count"/>.</summary>
    public static Int4 Gather(ArrayView<int> view, Int4 index, int count) => new(
        index.X < count ? view[index.X] : -1,
        index.Y < count ? view[index.Y] : -1,
        index.Z < count ? view[index.Z] : -1,
        index.W < count ? view[index.W] : -1);

    /// <summary>Lane <paramref name="j"/> (0–3).</summary>
    public readonly int Get(int j) => j == 0 ? X : j == 1 ? Y : j == 2 ? Z : W;
}
