namespace NativeContrast.Data;

/// <summary>
/// Deterministic seed derivation (SplitMix64), so that a run's seed fixes every epoch's order, every
/// batch's augmentations and every view, in every process. (HashCode.Combine is randomized per process.)
/// </summary>
internal static class Seeds
{
    public static int Mix(int seed, int a, int b = 0)
    {
        ulong z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)a * 0xBF58476D1CE4E5B9UL ^ (ulong)(uint)b * 0x94D049BB133111EBUL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
