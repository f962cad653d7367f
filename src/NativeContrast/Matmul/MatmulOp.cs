using NativeContrast.Autograd;
using NativeContrast.Kernels;

namespace NativeContrast.Ops;

/// <summary>
/// y = op(a)·op(b) with op = identity or transpose of the last two axes. 2-D × 2-D, batched 3-D × 3-D
/// (equal batch), or 3-D × 2-D / 2-D × 3-D (the 2-D operand shared across the batch).
/// </summary>
internal sealed class MatmulOp : AutogradNode
{
    private readonly bool transposeA;
    private readonly bool transposeB;

    private MatmulOp(Tensor a, Tensor b, bool transposeA, bool transposeB) : base(a, b)
    {
        this.transposeA = transposeA;
        this.transposeB = transposeB;
    }

    public static Tensor Forward(Tensor a, Tensor b, bool transposeA, bool transposeB)
    {
        var y = Compute(a, b, transposeA, transposeB);
        return Record(y, () => new MatmulOp(a, b, transposeA, transposeB), a, b);
    }

    internal static Tensor Compute(Tensor a, Tensor b, bool transposeA, bool transposeB)
    {
        Tensor.CheckCompatible("Matmul", a, b);
        Tensor.CheckFloating("Matmul", a);
        if (a.Rank is < 2 or > 3 || b.Rank is < 2 or > 3)
            throw new ArgumentException($"Matmul needs 2-D or 3-D operands; got {Shapes.Format(a.ShapeArray)} and {Shapes.Format(b.ShapeArray)}.");
        int batchA = a.Rank == 3 ? a.ShapeArray[0] : 1, batchB = b.Rank == 3 ? b.ShapeArray[0] : 1;
        if (a.Rank == 3 && b.Rank == 3 && batchA != batchB)
            throw new ArgumentException($"Matmul: batch sizes differ: {Shapes.Format(a.ShapeArray)} and {Shapes.Format(b.ShapeArray)}.");
        int rowsA = a.ShapeArray[^2], colsA = a.ShapeArray[^1], rowsB = b.ShapeArray[^2], colsB = b.ShapeArray[^1];
        int m = transposeA ? colsA : rowsA, k = transposeA ? rowsA : colsA;
        int kb = transposeB ? colsB : rowsB, n = transposeB ? rowsB : colsB;
        if (k != kb)
            throw new ArgumentException(
                $"Matmul: inner dimensions differ: op(a) is {m}×{k} ({Shapes.Format(a.ShapeArray)}{(transposeA ? " transposed" : "")}) and op(b) is {kb}×{n} ({Shapes.Format(b.ShapeArray)}{(transposeB ? " transposed" : "")}).");
        int batch = Math.Max(batchA, batchB);
        int[] shape = a.Rank == 3 || b.Rank == 3 ? [batch, m, n] : [m, n];
        var y = Tensor.Empty(shape, a.Device, a.DType);
        var s = new GemmShape
        {
            M = m, N = n, K = k,
            Lda = colsA, Ldb = colsB, Ldc = n,
            BatchStrideA = a.Rank == 3 ? rowsA * colsA : 0,
            BatchStrideB = b.Rank == 3 ? rowsB * colsB : 0,
            BatchStrideC = m * n,
            TransposeA = transposeA ? 1 : 0,
            TransposeB = transposeB ? 1 : 0,
            Alpha = 1f, Beta = 0f,
        };
        if (y.Count > 0) a.Backend.Gemm(a.Data, b.Data, y.Data, s, batch);
        return y;
    }

    // y = A·B ⇒ dA = g·Bᵀ, dB = Aᵀ·g; with stored transposes: A stored as Aᵀ ⇒ dAᵀ = B·gᵀ,
    // B stored as Bᵀ ⇒ dBᵀ = gᵀ·A. A 2-D operand shared across a batch gets the sum over the batch.
    public override Tensor?[] Backward(Tensor g)
    {
        var a = Inputs[0];
        var b = Inputs[1];
        Tensor? ga = null, gb = null;
        if (a.RequiresGrad)
        {
            var full = transposeA ? Compute(b, g, transposeB, true) : Compute(g, b, false, !transposeB);
            ga = ReduceBatch(full, a);
        }
        if (b.RequiresGrad)
        {
            var full = transposeB ? Compute(g, a, true, transposeA) : Compute(a, g, !transposeA, false);
            gb = ReduceBatch(full, b);
        }
        return [ga, gb];
    }

    private static Tensor ReduceBatch(Tensor full, Tensor operand)
    {
        if (full.Rank == operand.Rank) return full;
        var summed = SumOp.Compute(full, [0], keepDims: false);
        full.Dispose();
        return summed;
    }
}
