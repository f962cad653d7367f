using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// Fused contrastive losses on ILGPU. Shape legend: N = rows (2 × batch), D = embedding dim,
/// τ = temperature (invTau = 1/τ), p(i) = positive of row i, S_ij = z_i·z_j/τ.
/// Variants:
///   1. NtXentForwardNaive / NtXentBackwardNaive: one thread per row streaming every column with an
///      online log-sum-exp; no shared memory, no N×N buffer. The reference GPU path that the tiled,
///      register-blocked and tensor-core variants (GPU performance work) are checked against.
/// </summary>
public static class ContrastiveKernels
{
    /// <summary>lse[i] = ln Σ_{j≠i} exp S_ij; rowLoss[i] = lse[i] − S_{i,p(i)}.</summary>
    public static void NtXentForwardNaive(Index1D i, ArrayView<float> z, ArrayView<int> positives, ArrayView<float> lse, ArrayView<float> rowLoss, int n, int d, float invTau)
    {
        float max = float.NegativeInfinity, sum = 0f, positive = 0f;
        int p = positives[i];
        for (int j = 0; j < n; j++)
        {
            float s = Dot(z, i, j, d) * invTau;
            if (j == p) positive = s;
            if (j == i) continue;
            if (s > max)
            {
                sum = sum * MathF.Exp(max - s) + 1f;
                max = s;
            }
            else
            {
                sum += MathF.Exp(s - max);
            }
        }
        float l = max + MathF.Log(sum);
        lse[i] = l;
        rowLoss[i] = l - positive;
    }

    /// <summary>
    /// dz_i = (g/N)(1/τ) Σ_j W_ij z_j, W_ij = P_ij + P_ji − [j = p(i)] − [i = p(j)], P_ij = exp(S_ij − LSE_i), P_ii = 0.
    /// </summary>
    public static void NtXentBackwardNaive(Index1D i, ArrayView<float> z, ArrayView<int> positives, ArrayView<float> lse, ArrayView<float> g, ArrayView<float> dz, int n, int d, float invTau)
    {
        int row = i * d;
        for (int k = 0; k < d; k++) dz[row + k] = 0f;
        float li = lse[i];
        int p = positives[i];
        for (int j = 0; j < n; j++)
        {
            float w = 0f;
            if (j != i)
            {
                float s = Dot(z, i, j, d) * invTau;
                w = MathF.Exp(s - li) + MathF.Exp(s - lse[j]);
            }
            if (j == p) w -= 1f;
            if (positives[j] == i) w -= 1f;
            if (w == 0f) continue;
            for (int k = 0; k < d; k++) dz[row + k] += w * z[j * d + k];
        }
        float scale = g[0] * invTau / n;
        for (int k = 0; k < d; k++) dz[row + k] *= scale;
    }

    private static float Dot(ArrayView<float> z, int a, int b, int d)
    {
        float s = 0f;
        for (int k = 0; k < d; k++) s += z[a * d + k] * z[b * d + k];
        return s;
    }
}
