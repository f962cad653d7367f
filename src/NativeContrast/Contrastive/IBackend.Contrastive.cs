using NativeContrast.Kernels;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Backends;

/// <summary>The contrastive family's slice of the backend interface.</summary>
internal partial interface IBackend
{
    /// <summary>
    /// Fused softmax-contrastive forward over anchors a [RowsA, D] and candidates b [RowsB, D] (each row times its
    /// scale when one is given): LSE and
    /// mean positive logit of a's rows against b into <paramref name="rows"/>, and for two sets with
    /// <paramref name="columns"/> of b's rows against a (CLIP). One set (shape.ExcludeDiagonal): a = b, self
    /// excluded, columns unused. See <see cref="ContrastiveKernels.RowStatsNaive"/>.
    /// </summary>
    void ContrastiveForward(BufferRows a, BufferRows b, BufferSide rows, BufferSide? columns, ContrastiveShape shape, double invTau);

    /// <summary>
    /// Fused softmax-contrastive backward: dA and, for two sets when <paramref name="gradB"/> is given, dB,
    /// from the row term (a's anchors) and the column term (b's anchors), either optional for two sets;
    /// one set uses <paramref name="rows"/> for both. See <see cref="ContrastiveKernels.GradientNaive"/>.
    /// </summary>
    void ContrastiveBackward(BufferRows a, BufferRows b, BufferSide? rows, BufferSide? columns, BufferSlice gradA, BufferSlice? gradB,
        ContrastiveShape shape, double invTau);

    /// <summary>
    /// One set z [N, D] with index positives, the forward at two scales (HCL's (1+β)/τ and β/τ): the statistics of S at
    /// <paramref name="firstInvTau"/> into <paramref name="first"/> and at <paramref name="secondInvTau"/> into
    /// <paramref name="second"/>. This default runs the forward twice; a backend that can shares each tile's similarity
    /// products between the two (cpu's tiled path: one GEMM per tile for both).
    /// </summary>
    void ContrastiveForwardTwoScales(BufferRows z, BufferSide first, double firstInvTau, BufferSide second, double secondInvTau, ContrastiveShape shape)
    {
        ContrastiveForward(z, z, first, null, shape, firstInvTau);
        ContrastiveForward(z, z, second, null, shape, secondInvTau);
    }

    /// <summary>
    /// The backward of <see cref="ContrastiveForwardTwoScales"/>: gradZ = the one-set backward at <paramref name="firstInvTau"/>
    /// with <paramref name="first"/> plus the one at <paramref name="secondInvTau"/> with <paramref name="second"/>. This
    /// default runs both into separate buffers and adds them.
    /// </summary>
    void ContrastiveBackwardTwoScales(BufferRows z, BufferSide first, double firstInvTau, BufferSide second, double secondInvTau, BufferSlice gradZ,
        ContrastiveShape shape)
    {
        ContrastiveBackward(z, z, first, first, gradZ, null, shape, firstInvTau);
        var buffer = Allocate(gradZ.Buffer.DType, gradZ.Length);
        try
        {
            var part = new BufferSlice(buffer, 0, gradZ.Length);
            ContrastiveBackward(z, z, second, second, part, null, shape, secondInvTau);
            Binary(new AddFunction(), gradZ, part, gradZ, null);
        }
        finally
        {
            Free(buffer);
        }
    }

    /// <summary>
    /// NT-Xent drop-top's first pass over one set z [n, d] (each row times its scale when one is given) with Int32 positive
    /// indices [n]: per row the threshold [n] midway between the K-th and (K+1)-th largest negative logit, and the Int32
    /// indices [n·K] of the negatives above it (−1 for a tie that stays). See <see cref="ContrastiveKernels.TopNegativesNaive"/>.
    /// </summary>
    void ContrastiveTopNegatives(BufferRows z, BufferSlice positives, BufferSlice threshold, BufferSlice dropped, int n, int d, double invTau, int topK);

    /// <summary>
    /// Distances of row pairs of x [rows, d] (Int32 first and second [pairs]) with a <see cref="Kernels.TripletDistance"/> metric:
    /// distance [pairs], and stats [pairs·3] for the backward (see <see cref="Kernels.PairDistanceKernels"/>).
    /// </summary>
    void PairDistances(BufferRows x, BufferSlice first, BufferSlice second, BufferSlice distance, BufferSlice stats, int pairs, int d, int metric);

    /// <summary>dx (already zero) += Σ_p g_p ∂distance_p/∂x, from <see cref="PairDistances"/>'s outputs; with a scale, the gradient with respect to the scaled rows.</summary>
    void PairDistancesBackward(BufferRows x, BufferSlice first, BufferSlice second, BufferSlice g, BufferSlice distance, BufferSlice stats, BufferSlice dx,
        int pairs, int d, int metric);

    /// <summary>Triplet mining over z [n, d] with Int32 labels (see <see cref="ContrastiveKernels.TripletMineNaive"/>): Int32 positive and negative [n], −1 where none.</summary>
    void TripletMine(BufferRows z, BufferSlice labels, BufferSlice positive, BufferSlice negative, int n, int d, int distance, bool semiHard);
}
