namespace NativeContrast.Kernels;

/// <summary>
/// One set's rows as the fused passes read them (softmax-contrastive, triplet mining, pair distances):
/// <see cref="Values"/> [rows, D], each row multiplied on load by <see cref="Scale"/>[row] when <see cref="Scaled"/> ≠ 0
/// (1/max(‖x‖, ε) for a normalizing loss: the passes see y = x/‖x‖ without y being stored). When 0,
/// <see cref="Scale"/> is never read (a kernel may be handed any view there).
/// <para>
/// One type for the backends' interface (<c>BufferRows</c> = <c>ScaledRows&lt;BufferSlice&gt;</c>) and the ILGPU kernels
/// (<c>ViewRows</c> = <c>ScaledRows&lt;ArrayView&lt;float&gt;&gt;</c>, read through <see cref="ScaledRowReads"/>); the
/// <c>cpu</c> backend multiplies the scale out for the length of a call and hands its passes plain rows.
/// </para>
/// </summary>
/// <typeparam name="TValues">Where the rows and their scales live.</typeparam>
public struct ScaledRows<TValues>
{
    /// <summary>Rows used as they are; <see cref="Scale"/> is the rows themselves, never read.</summary>
    public ScaledRows(TValues values) : this(values, values, scaled: false) { }

    /// <summary>Rows multiplied on load by one factor each.</summary>
    public ScaledRows(TValues values, TValues scale) : this(values, scale, scaled: true) { }

    private ScaledRows(TValues values, TValues scale, bool scaled)
    {
        Values = values;
        Scale = scale;
        Scaled = scaled ? 1 : 0;
    }

    /// <summary>The rows, and one scale per row (1/‖x‖ when normalized).</summary>
    public TValues Values, Scale;
    /// <summary>1 when rows are multiplied by their scale as they are read, 0 when they are used as they are.</summary>
    public int Scaled;

    /// <summary>The same rows with their arrays mapped to another home (e.g. device buffers to kernel views).</summary>
    public readonly ScaledRows<TOther> Select<TOther>(Func<TValues, TOther> map) => new(map(Values), map(Scale), Scaled != 0);
}
