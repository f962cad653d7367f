namespace NativeContrast.Backends;

/// <summary>The reduction family's slice of the backend interface.</summary>
internal partial interface IBackend
{
    /// <summary>x viewed as [outer, reduced, inner] → y [outer, inner].</summary>
    void SumAxis(BufferSlice x, BufferSlice y, int outer, int reduced, int inner);

    void MaxAxis(BufferSlice x, BufferSlice y, BufferSlice argMax, int outer, int reduced, int inner);

    /// <summary>dx (already zero) [o, argMax[o,i], i] = g[o, i].</summary>
    void ScatterAxis(BufferSlice g, BufferSlice argMax, BufferSlice dx, int outer, int reduced, int inner);
}
