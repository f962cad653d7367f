using System.Runtime.Intrinsics;

namespace NativeContrast.Evaluation;

/// <summary>
/// The linear probe's objective over some rows of a feature matrix X [N·dim] with labels y: multinomial logistic
/// regression with logits z = W·x + b (W [classes·dim], b [classes]) and an L2 penalty on W,
/// J(W, b) = (1/n) Σᵢ (logsumexp(zᵢ) − zᵢ[yᵢ]) + λ‖W‖².
/// Its gradient, with pᵢ = softmax(zᵢ) and eᵢ the one-hot label: ∂J/∂W = (1/n) Σᵢ (pᵢ − eᵢ) xᵢᵀ + 2λW and
/// ∂J/∂b = (1/n) Σᵢ (pᵢ − eᵢ). The parameters are one vector: W row by row, then b.
/// Rows are summed in fixed blocks whose partial sums are added in block order, so the value and gradient do not
/// depend on the number of threads.
/// </summary>
internal sealed class SoftmaxRegression
{
    private const int BlockRows = 2048;
    private const int TileRows = 32;
    private readonly float[] features;
    private readonly int[] labels;
    private readonly int[] rows;
    private readonly int dim, classes;
    // Per block of rows, kept between calls: Σ (p − e) xᵀ in float, Σ (p − e) and the loss in float64.
    private readonly float[][] blockWeightSums;
    private readonly double[][] blockBiasSums;
    private readonly double[] blockLosses;

    /// <summary>The objective over <paramref name="rows"/> of <paramref name="features"/> [N·dim] at penalty λ.</summary>
    public SoftmaxRegression(float[] features, int[] labels, int[] rows, int dim, int classes, double penalty)
    {
        this.features = features;
        this.labels = labels;
        this.rows = rows;
        this.dim = dim;
        this.classes = classes;
        Penalty = penalty;
        int blocks = (rows.Length + BlockRows - 1) / BlockRows;
        blockWeightSums = new float[blocks][];
        blockBiasSums = new double[blocks][];
        blockLosses = new double[blocks];
    }

    /// <summary>λ, the weight of ‖W‖² in the objective.</summary>
    public double Penalty { get; }

    /// <summary>How many parameters: classes·dim weights and classes biases.</summary>
    public int ParameterCount => classes * (dim + 1);

    /// <summary>J at <paramref name="parameters"/>; writes ∇J into <paramref name="gradient"/>.</summary>
    public double ValueAndGradient(double[] parameters, double[] gradient)
    {
        var weights = ToFloat(parameters);
        Parallel.For(0, blockLosses.Length, block =>
        {
            var weightSums = blockWeightSums[block] ??= new float[classes * dim];
            var biasSums = blockBiasSums[block] ??= new double[classes];
            Array.Clear(weightSums);
            Array.Clear(biasSums);
            Span<float> coefficients = stackalloc float[TileRows * classes];
            Span<double> logits = stackalloc double[classes];
            double loss = 0;
            int end = Math.Min(rows.Length, (block + 1) * BlockRows);
            for (int tile = block * BlockRows; tile < end; tile += TileRows)
            {
                int tileEnd = Math.Min(end, tile + TileRows);
                for (int r = tile; r < tileEnd; r++)
                {
                    Logits(weights, features.AsSpan(rows[r] * dim, dim), logits);
                    double max = double.NegativeInfinity;
                    foreach (double z in logits) max = Math.Max(max, z);
                    int label = labels[rows[r]];
                    double labelLogit = logits[label], total = 0;
                    for (int c = 0; c < classes; c++) total += logits[c] = Math.Exp(logits[c] - max);
                    loss += max + Math.Log(total) - labelLogit;
                    for (int c = 0; c < classes; c++)
                    {
                        double coefficient = logits[c] / total - (c == label ? 1 : 0);
                        biasSums[c] += coefficient;
                        coefficients[(r - tile) * classes + c] = (float)coefficient;
                    }
                }
                AddOuterProducts(coefficients, tile, tileEnd, weightSums);
            }
            blockLosses[block] = loss;
        });
        double value = 0;
        Array.Clear(gradient);
        for (int block = 0; block < blockLosses.Length; block++)
        {
            value += blockLosses[block];
            var (weightSums, biasSums) = (blockWeightSums[block], blockBiasSums[block]);
            for (int k = 0; k < weightSums.Length; k++) gradient[k] += weightSums[k];
            for (int c = 0; c < classes; c++) gradient[classes * dim + c] += biasSums[c];
        }
        double inverse = 1.0 / rows.Length;
        value *= inverse;
        for (int k = 0; k < gradient.Length; k++) gradient[k] *= inverse;
        for (int k = 0; k < classes * dim; k++)
        {
            value += Penalty * parameters[k] * parameters[k];
            gradient[k] += 2 * Penalty * parameters[k];
        }
        return value;
    }

    /// <summary>
    /// partial[c, :] += Σ over the tile's rows r of coefficients[r, c]·x_r: eight columns at a time, four classes in
    /// registers, the tile's rows (a few dozen, in L1) streamed through them, so each sum is stored once per tile.
    /// </summary>
    private void AddOuterProducts(ReadOnlySpan<float> coefficients, int tile, int tileEnd, float[] partial)
    {
        int vectorEnd = dim - dim % Vector256<float>.Count;
        for (int c0 = 0; c0 < classes; c0 += 4)
        {
            int group = Math.Min(4, classes - c0);
            for (int k = 0; k < vectorEnd; k += Vector256<float>.Count)
            {
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int r = tile; r < tileEnd; r++)
                {
                    var x = Vector256.Create(features.AsSpan(rows[r] * dim + k, Vector256<float>.Count));
                    int row = (r - tile) * classes + c0;
                    a0 = Vector256.FusedMultiplyAdd(Vector256.Create(coefficients[row]), x, a0);
                    if (group > 1) a1 = Vector256.FusedMultiplyAdd(Vector256.Create(coefficients[row + 1]), x, a1);
                    if (group > 2) a2 = Vector256.FusedMultiplyAdd(Vector256.Create(coefficients[row + 2]), x, a2);
                    if (group > 3) a3 = Vector256.FusedMultiplyAdd(Vector256.Create(coefficients[row + 3]), x, a3);
                }
                Accumulate(partial, c0 * dim + k, a0);
                if (group > 1) Accumulate(partial, (c0 + 1) * dim + k, a1);
                if (group > 2) Accumulate(partial, (c0 + 2) * dim + k, a2);
                if (group > 3) Accumulate(partial, (c0 + 3) * dim + k, a3);
            }
            for (int k = vectorEnd; k < dim; k++)
                for (int c = c0; c < c0 + group; c++)
                {
                    float s = 0;
                    for (int r = tile; r < tileEnd; r++) s += coefficients[(r - tile) * classes + c] * features[rows[r] * dim + k];
                    partial[c * dim + k] += s;
                }
        }
    }

    private static void Accumulate(float[] destination, int offset, Vector256<float> value) =>
        (Vector256.Create(destination.AsSpan(offset, Vector256<float>.Count)) + value).CopyTo(destination.AsSpan(offset, Vector256<float>.Count));

    /// <summary>The fraction of <paramref name="x"/>'s rows [n·dim] whose largest logit is their label.</summary>
    public double Accuracy(double[] parameters, float[] x, int[] y)
    {
        var weights = ToFloat(parameters);
        int correct = 0;
        Parallel.For(0, y.Length, () => 0, (i, _, count) =>
        {
            Span<double> logits = stackalloc double[classes];
            Logits(weights, x.AsSpan(i * dim, dim), logits);
            int best = 0;
            for (int c = 1; c < classes; c++) if (logits[c] > logits[best]) best = c;
            return count + (best == y[i] ? 1 : 0);
        }, count => Interlocked.Add(ref correct, count));
        return (double)correct / y.Length;
    }

    private static float[] ToFloat(double[] parameters)
    {
        var result = new float[parameters.Length];
        for (int k = 0; k < result.Length; k++) result[k] = (float)parameters[k];
        return result;
    }

    /// <summary>logits[c] = b[c] + W[c]·x: four classes at a time, x read once for the four (four FMA chains).</summary>
    private void Logits(float[] weights, ReadOnlySpan<float> x, Span<double> logits)
    {
        int width = Vector256<float>.Count, vectorEnd = dim - dim % width;
        for (int c0 = 0; c0 < classes; c0 += 4)
        {
            int group = Math.Min(4, classes - c0);
            ReadOnlySpan<float> w0 = weights.AsSpan(c0 * dim, dim);
            ReadOnlySpan<float> w1 = group > 1 ? weights.AsSpan((c0 + 1) * dim, dim) : w0;
            ReadOnlySpan<float> w2 = group > 2 ? weights.AsSpan((c0 + 2) * dim, dim) : w0;
            ReadOnlySpan<float> w3 = group > 3 ? weights.AsSpan((c0 + 3) * dim, dim) : w0;
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int k = 0; k < vectorEnd; k += width)
            {
                var v = Vector256.Create(x.Slice(k, width));
                a0 = Vector256.FusedMultiplyAdd(Vector256.Create(w0.Slice(k, width)), v, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.Create(w1.Slice(k, width)), v, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.Create(w2.Slice(k, width)), v, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.Create(w3.Slice(k, width)), v, a3);
            }
            Span<float> sums = [Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3)];
            for (int k = vectorEnd; k < dim; k++)
            {
                sums[0] += w0[k] * x[k];
                sums[1] += w1[k] * x[k];
                sums[2] += w2[k] * x[k];
                sums[3] += w3[k] * x[k];
            }
            for (int j = 0; j < group; j++) logits[c0 + j] = weights[classes * dim + c0 + j] + sums[j];
        }
    }
}
