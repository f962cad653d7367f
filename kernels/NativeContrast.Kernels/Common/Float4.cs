using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// Four floats that a kernel keeps in registers: ILGPU lowers a struct local whose fields are never
/// indexed dynamically to plain registers, where a local array would live in (slow) local memory.
/// </summary>
public struct Float4
{
    /// <summary>The four lanes.</summary>
    public float X, Y, Z, W;

    /// <summary>Four lanes from their values.</summary>
    public Float4(float x, float y, float z, float w)
    {
        X = x;
        Y = y;
        Z = z;
        W = w;
    }

    /// <summary>Four elements of <paramref name="view"/> starting at <paramref name="start"/>, <paramref name="stride"/> apart.</summary>
    public static Float4 Load(ArrayView<float> view, int start, int stride) =>
        new(view[start], view[start + stride], view[start + 2 * stride], view[start + 3 * stride]);

    /// <summary>view[start + j·stride] for j = 0…3, or 0 where that index is at or past <paramref name="count"/>.</summary>
    public static Float4 LoadGuarded(ArrayView<float> view, int start, int stride, int count) => new(
        start < count ? view[start] : 0f,
        start + stride < count ? view[start + stride] : 0f,
        start + 2 * stride < count ? view[start + 2 * stride] : 0f,
        start + 3 * stride < count ? view[start + 3 * stride] : 0f);

    /// <summary>Every lane times <paramref name="s"/>.</summary>
    public readonly Float4 Scale(float s) => new(X * s, Y * s, Z * s, W * s);

    /// <summary>Elementwise product.</summary>
    public readonly Float4 Times(Float4 other) => new(X * other.X, Y * other.Y, Z * other.Z, W * other.W);

    /// <summary>Element <paramref name="j"/> (0–3): a chain of selects, which folds away where j is a constant.</summary>
    public readonly float Get(int j) => j == 0 ? X : j == 1 ? Y : j == 2 ? Z : W;
}
