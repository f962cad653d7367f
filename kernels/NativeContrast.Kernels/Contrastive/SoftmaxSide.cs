namespace NativeContrast.Kernels;

/// <summary>
/// One direction of a softmax-contrastive pass, per anchor row: its positive key (the index of its positive among the
/// candidates, or its label), the weight 1/|P| of each of its positives, its log-sum-exp and mean positive logit (written
/// by the forward; the LSE read by the backward), its loss coefficient (loss weight × upstream gradient, read by the
/// backward) and, where the shape has thresholds (<see cref="ContrastiveShape.HasThreshold"/>), the logit above which a
/// negative leaves the row's sums.
/// <para>
/// One type for every layer that carries a side, told apart by where its arrays live: the backends' interface passes
/// device buffers (<c>BufferSide</c> = <c>SoftmaxSide&lt;BufferSlice, BufferSlice&gt;</c>), the ILGPU kernels read views
/// (<c>ViewSide</c> = <c>SoftmaxSide&lt;ArrayView&lt;int&gt;, ArrayView&lt;float&gt;&gt;</c>; the aliases are in each
/// project's <c>GlobalUsings.cs</c>) and the <c>cpu</c> backend's passes host arrays (<c>SoftmaxSide&lt;int[], T[]&gt;</c>).
/// A backend turns one into the other with <see cref="Select{TOtherKeys, TOtherValues}"/>. An array a pass does not use
/// is never read (in a kernel any view may stand in for it).
/// </para>
/// </summary>
/// <typeparam name="TKeys">Where the keys live (int32).</typeparam>
/// <typeparam name="TValues">Where the per-row values live (float32, or float64 on the <c>cpu</c> backend).</typeparam>
public struct SoftmaxSide<TKeys, TValues>
{
    /// <summary>A side; <paramref name="threshold"/> only for a shape with thresholds.</summary>
    public SoftmaxSide(TKeys keys, TValues positiveWeight, TValues lse, TValues positiveLogit, TValues coefficient, TValues? threshold = default)
    {
        Keys = keys;
        PositiveWeight = positiveWeight;
        Lse = lse;
        PositiveLogit = positiveLogit;
        Coefficient = coefficient;
        Threshold = threshold;
    }

    /// <summary>Each row's positive key: the index of its positive among the candidates, or its label.</summary>
    public TKeys Keys;
    /// <summary>Per row: the weight 1/|P| of each positive, the log-sum-exp and mean positive logit (written by the forward), the loss coefficient (read by the backward).</summary>
    public TValues PositiveWeight, Lse, PositiveLogit, Coefficient;
    /// <summary>Per row: the logit above which a negative leaves the row's sums (read only when the shape's <see cref="ContrastiveShape.HasThreshold"/> is set).</summary>
    public TValues? Threshold;

    /// <summary>
    /// The same side with its keys and values mapped to another home (e.g. device buffers to kernel views). A null threshold
    /// stays absent; a threshold that cannot be null (a buffer slice) is mapped like the others, so put a stand-in there first.
    /// </summary>
    public readonly SoftmaxSide<TOtherKeys, TOtherValues> Select<TOtherKeys, TOtherValues>(Func<TKeys, TOtherKeys> keys, Func<TValues, TOtherValues> values) =>
        new(keys(Keys), values(PositiveWeight), values(Lse), values(PositiveLogit), values(Coefficient), Threshold is null ? default : values(Threshold));
}
