namespace NativeContrast.Losses;

/// <summary>Argument checks shared by the losses; each message names the loss, the argument and what was expected.</summary>
internal static class LossInputs
{
    /// <summary>
    /// [N, D] floating rows with no NaN/∞ (nor a norm that overflows) and, when normalizing (or
    /// <paramref name="rejectZeroRows"/>), no zero row: one O(N·D) pass bringing back N numbers. Returns the rows as
    /// the fused kernels take them, with the norms from that same pass when normalizing.
    /// </summary>
    public static Ops.KernelRows Embeddings(string loss, string name, Tensor z, bool normalize, int minRows, string minRowsReason, bool rejectZeroRows = false)
    {
        if (z.Rank != 2)
            throw new ArgumentException($"{loss} needs {name} of shape [N, D]; got {Shapes.Format(z.ShapeArray)}.", name);
        if (z.DType == DType.Int32)
            throw new ArgumentException($"{loss} needs floating-point {name}; got Int32.", name);
        int n = z.ShapeArray[0];
        if (n < minRows) throw new ArgumentException($"{loss} needs at least {minRows} rows of {name} ({minRowsReason}); got {n}.", name);
        if (z.ShapeArray[1] == 0) throw new ArgumentException($"{loss}: {name} have dimension 0.", name);
        // Row norms in one pass with O(N) memory (z * z would be a temporary as large as z).
        using var scope = TensorScope.Begin();
        var norms = Tensor.Empty([n], z.Device, z.DType);
        var inverseNorms = Tensor.Empty([n], z.Device, z.DType);
        z.Backend.RowNorms(z.Data, norms.Data, inverseNorms.Data, n, z.ShapeArray[1], Ops.L2NormalizeOp.Epsilon);
        var rowNorms = norms.ToDoubleArray();
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(rowNorms[i]))
                throw new NonFiniteInputException($"{loss}: row {i} of the {name} contains NaN or infinity.", name);
            if ((normalize || rejectZeroRows) && rowNorms[i] == 0)
                throw new ArgumentException($"{loss}: row {i} of the {name} has zero norm and cannot be normalized.", name);
        }
        return normalize ? new Ops.KernelRows(z, scope.Keep(norms), scope.Keep(inverseNorms)) : new Ops.KernelRows(z, null, null);
    }

    public static void SameWidth(string loss, Tensor a, string nameA, Tensor b, string nameB)
    {
        Tensor.CheckCompatible(loss, a, b);
        if (a.ShapeArray[1] != b.ShapeArray[1])
            throw new ArgumentException($"{loss}: {nameA} {Shapes.Format(a.ShapeArray)} and {nameB} {Shapes.Format(b.ShapeArray)} have different embedding dimensions.", nameB);
    }

    /// <summary>An Int32 [n] tensor on <paramref name="device"/>; returns its values.</summary>
    public static int[] IntVector(string loss, string name, Tensor t, int n, Device device)
    {
        if (t.DType != DType.Int32 || t.Rank != 1 || t.Count != n)
            throw new ArgumentException($"{loss}: {name} must be an Int32 tensor of shape [{n}]; got {t.DType} {Shapes.Format(t.ShapeArray)}.", name);
        if (!ReferenceEquals(t.Device, device))
            throw new ArgumentException($"{loss}: {name} are on '{t.Device.Name}' but the embeddings on '{device.Name}'.", name);
        return t.ToIntArray();
    }

    /// <summary>Each anchor's positive index lies in [0, candidates) and, for one set, is not the anchor itself.</summary>
    public static void PositiveIndices(string loss, int[] p, int candidates, bool oneSet)
    {
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] < 0 || p[i] >= candidates)
                throw new ArgumentOutOfRangeException("positives", p[i], $"{loss}: positive index {p[i]} of row {i} is outside [0, {candidates}).");
            if (oneSet && p[i] == i)
                throw new ArgumentException($"{loss}: row {i} is its own positive; self-similarity is excluded from the loss.", "positives");
        }
    }
}
