using NativeContrast.Kernels;
using NativeContrast.Kernels.Ops;

namespace NativeContrast.Backends;

/// <summary>
/// Pure compute on device buffers: no autograd, no shapes beyond what each call needs.
/// Every method takes element offsets through <see cref="BufferSlice"/>; outputs never alias
/// inputs unless the method says so. Tensors validate shapes, devices and dtypes before calling.
/// </summary>
internal interface IBackend
{
    /// <summary>Contents are undefined.</summary>
    DeviceBuffer Allocate(DType dtype, int length);

    void Free(DeviceBuffer buffer);

    void Upload<T>(ReadOnlySpan<T> source, BufferSlice destination) where T : unmanaged;

    void Download<T>(BufferSlice source, Span<T> destination) where T : unmanaged;

    void Fill(BufferSlice y, double value);

    /// <summary>y = f(x), same length; y may alias x.</summary>
    void Unary<TFunction>(TFunction f, BufferSlice x, BufferSlice y) where TFunction : struct, IUnaryFunction;

    /// <summary>y = f(a, b). With <paramref name="layout"/> null all three are contiguous of one shape (y may alias a);
    /// otherwise the layout maps each output index to offsets in a and b (broadcasting).</summary>
    void Binary<TFunction>(TFunction f, BufferSlice a, BufferSlice b, BufferSlice y, StridedPair? layout) where TFunction : struct, IBinaryFunction;

    /// <summary>destination[B(i)] = source[A(i)] for every index i of the layout's shape.</summary>
    void StridedCopy(BufferSlice source, BufferSlice destination, StridedPair layout, int count);

    /// <summary>x viewed as [outer, reduced, inner] → y [outer, inner].</summary>
    void SumAxis(BufferSlice x, BufferSlice y, int outer, int reduced, int inner);

    void MaxAxis(BufferSlice x, BufferSlice y, BufferSlice argMax, int outer, int reduced, int inner);

    /// <summary>dx (already zero) [o, argMax[o,i], i] = g[o, i].</summary>
    void ScatterAxis(BufferSlice g, BufferSlice argMax, BufferSlice dx, int outer, int reduced, int inner);

    void Gemm(BufferSlice a, BufferSlice b, BufferSlice c, GemmShape shape, int batch);

    /// <summary>y[o, j, i] = x[o, index[j], i] for x [outer, n, inner], index [m].</summary>
    void IndexSelect(BufferSlice x, BufferSlice index, BufferSlice y, int outer, int n, int m, int inner);

    /// <summary>dx[o, index[j], i] += g[o, j, i].</summary>
    void IndexAdd(BufferSlice g, BufferSlice index, BufferSlice dx, int outer, int n, int m, int inner);

    void L2Normalize(BufferSlice x, BufferSlice y, BufferSlice norms, int rows, int cols, float eps);

    /// <summary>dx = (g − y·(g·y))/‖x‖ per row (g/ε below ε); dx may alias g (the fused losses run it in place).</summary>
    void L2NormalizeBackward(BufferSlice g, BufferSlice y, BufferSlice norms, BufferSlice dx, int rows, int cols, float eps);

    /// <summary>Per row: norms = ‖x‖, inverseNorms = 1/max(‖x‖, ε) (a normalizing loss's row factors, see <see cref="ContrastiveRows"/>).</summary>
    void RowNorms(BufferSlice x, BufferSlice norms, BufferSlice inverseNorms, int rows, int cols, float eps);

    /// <summary>
    /// scale[0] = LARS's step factor lr·η·√w/√u from the one-element sums of squares w = Σp² and u = Σd² (lr when either is 0),
    /// computed where they are, so that the step reads nothing back to the host (see <see cref="Kernels.TrustRatio"/>).
    /// </summary>
    void TrustRatioScale(BufferSlice weightSquares, BufferSlice updateSquares, BufferSlice scale, double learningRate, double trustCoefficient);

    /// <summary>dots[r] = a_r·b_r for the rows of two [rows, cols] matrices.</summary>
    void RowDots(BufferSlice a, BufferSlice b, BufferSlice dots, int rows, int cols);

    /// <summary><see cref="L2NormalizeBackward"/> in place with y recomputed from x: gradient holds ∂L/∂y on entry, ∂L/∂x on return.</summary>
    void L2NormalizeBackwardInPlace(BufferSlice gradient, BufferSlice x, BufferSlice norms, int rows, int cols, float eps);

    void LogSoftmax(BufferSlice x, BufferSlice y, int rows, int cols);

    void LogSoftmaxBackward(BufferSlice g, BufferSlice y, BufferSlice dx, int rows, int cols);

    void CrossEntropy(BufferSlice logits, BufferSlice labels, BufferSlice loss, BufferSlice lse, int rows, int cols);

    /// <summary>dx = g[0]·scale·(softmax − onehot).</summary>
    void CrossEntropyBackward(BufferSlice logits, BufferSlice labels, BufferSlice lse, BufferSlice g, BufferSlice dx, int rows, int cols, double scale);

    /// <summary>
    /// Fused softmax-contrastive forward over anchors a [RowsA, D] and candidates b [RowsB, D] (each row times its
    /// scale when one is given): LSE and
    /// mean positive logit of a's rows against b into <paramref name="rows"/>, and for two sets with
    /// <paramref name="columns"/> of b's rows against a (CLIP). One set (shape.ExcludeDiagonal): a = b, self
    /// excluded, columns unused. See <see cref="ContrastiveKernels.RowStatsNaive"/>.
    /// </summary>
    void ContrastiveForward(ContrastiveRows a, ContrastiveRows b, ContrastiveSide rows, ContrastiveSide? columns, ContrastiveShape shape, double invTau);

    /// <summary>
    /// Fused softmax-contrastive backward: dA and, for two sets when <paramref name="gradB"/> is given, dB,
    /// from the row term (a's anchors) and the column term (b's anchors), either optional for two sets;
    /// one set uses <paramref name="rows"/> for both. See <see cref="ContrastiveKernels.GradientNaive"/>.
    /// </summary>
    void ContrastiveBackward(ContrastiveRows a, ContrastiveRows b, ContrastiveSide? rows, ContrastiveSide? columns, BufferSlice gradA, BufferSlice? gradB,
        ContrastiveShape shape, double invTau);

    /// <summary>
    /// Distances of row pairs of x [rows, d] (Int32 first and second [pairs]) with a <see cref="Kernels.TripletDistance"/> metric:
    /// distance [pairs], and stats [pairs·3] for the backward (see <see cref="Kernels.PairDistanceKernels"/>).
    /// </summary>
    void PairDistances(ContrastiveRows x, BufferSlice first, BufferSlice second, BufferSlice distance, BufferSlice stats, int pairs, int d, int metric);

    /// <summary>dx (already zero) += Σ_p g_p ∂distance_p/∂x, from <see cref="PairDistances"/>'s outputs; with a scale, the gradient with respect to the scaled rows.</summary>
    void PairDistancesBackward(ContrastiveRows x, BufferSlice first, BufferSlice second, BufferSlice g, BufferSlice distance, BufferSlice stats, BufferSlice dx,
        int pairs, int d, int metric);

    /// <summary>Triplet mining over z [n, d] with Int32 labels (see <see cref="ContrastiveKernels.TripletMineNaive"/>): Int32 positive and negative [n], −1 where none.</summary>
    void TripletMine(ContrastiveRows z, BufferSlice labels, BufferSlice positive, BufferSlice negative, int n, int d, int distance, bool semiHard);

    /// <summary>y [N, O, P, Q] = conv(x [N, C, H, W], w [O, C, KH, KW]) (+ bias [O]); see <see cref="ConvolutionKernels"/>.</summary>
    void Conv2dForward(BufferSlice x, BufferSlice w, BufferSlice? bias, BufferSlice y, ConvShape s);

    /// <summary>dx = the gradient of the convolution with respect to its input, for upstream g [N, O, P, Q].</summary>
    void Conv2dBackwardData(BufferSlice g, BufferSlice w, BufferSlice dx, ConvShape s);

    /// <summary>dw (overwritten) = the gradient of the convolution with respect to its filter.</summary>
    void Conv2dBackwardFilter(BufferSlice x, BufferSlice g, BufferSlice dw, ConvShape s);

    /// <summary>Max pooling; argMax [N, C, P, Q] (Int32) holds h·W + w of each window's maximum.</summary>
    void MaxPool2dForward(BufferSlice x, BufferSlice y, BufferSlice argMax, ConvShape s);

    void MaxPool2dBackward(BufferSlice g, BufferSlice argMax, BufferSlice dx, ConvShape s);

    /// <summary>Average pooling, zero padding counted, divisor KH·KW.</summary>
    void AvgPool2dForward(BufferSlice x, BufferSlice y, ConvShape s);

    void AvgPool2dBackward(BufferSlice g, BufferSlice dx, ConvShape s);

    /// <summary>Per channel of x [N, C, S]: mean, 1/√(biased var + ε) and the unbiased variance (for running estimates).</summary>
    void BatchNormStats(BufferSlice x, BufferSlice mean, BufferSlice invStd, BufferSlice unbiasedVar, int n, int channels, int spatial, float eps);

    /// <summary>y = γ_c·(x − mean_c)·invStd_c + β_c, then max(y, 0) when <paramref name="relu"/> (batch norm and ReLU in one pass).</summary>
    void BatchNormApply(BufferSlice x, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice beta, BufferSlice y, int n, int channels, int spatial, bool relu);

    /// <summary>dx, dγ, dβ (all overwritten); <paramref name="training"/>: mean/invStd were the batch's (else running constants).</summary>
    void BatchNormBackward(BufferSlice x, BufferSlice g, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta,
        int n, int channels, int spatial, bool training);

    /// <summary>
    /// The backward of batch norm followed by ReLU (<see cref="BatchNormApply"/> with relu): as <see cref="BatchNormBackward"/>
    /// with g replaced by g·[z &gt; 0], z the normalized value before the ReLU. <paramref name="y"/> is the fused output
    /// ([z &gt; 0] = [y &gt; 0]); a backend whose apply is bit-reproducible may recompute z from x, γ and β instead.
    /// </summary>
    void BatchNormReluBackward(BufferSlice x, BufferSlice y, BufferSlice g, BufferSlice mean, BufferSlice invStd, BufferSlice gamma, BufferSlice beta,
        BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta, int n, int channels, int spatial, bool training);

    /// <summary>Per row of [rows, cols]: y = γ·(x − μ)·r + β, saving μ and r = 1/√(σ² + ε).</summary>
    void LayerNormForward(BufferSlice x, BufferSlice gamma, BufferSlice beta, BufferSlice y, BufferSlice mean, BufferSlice invStd, int rows, int cols, float eps);

    void LayerNormBackward(BufferSlice x, BufferSlice g, BufferSlice gamma, BufferSlice mean, BufferSlice invStd, BufferSlice dx, BufferSlice dGamma, BufferSlice dBeta, int rows, int cols);

    /// <summary>Bilinear resampling of a box per image (boxes [N·4]: top, left, height, width), mirrored where flips[n] ≠ 0; float32.</summary>
    void Resample(BufferSlice x, BufferSlice y, BufferSlice boxes, BufferSlice flips, ImageShape s);

    /// <summary>Brightness, contrast, saturation, hue and grayscale per image (parameters [N·5]); float32.</summary>
    void AdjustColor(BufferSlice x, BufferSlice y, BufferSlice parameters, ImageShape s);

    /// <summary>Gaussian blur with σ per image (σ ≤ 0: copy) over a (2·radius + 1)² window, reflected borders; float32.</summary>
    void Blur(BufferSlice x, BufferSlice y, BufferSlice sigmas, int radius, ImageShape s);

    /// <summary>Fills a box per image (boxes [N·4], height 0 = none) with <paramref name="value"/>; float32.</summary>
    void Erase(BufferSlice x, BufferSlice y, BufferSlice boxes, float value, ImageShape s);

    void Synchronize();
}
