namespace NativeContrast.Backends;

/// <summary>The shape family's slice of the backend interface.</summary>
internal partial interface IBackend
{
    /// <summary>y[o, j, i] = x[o, index[j], i] for x [outer, n, inner], index [m].</summary>
    void IndexSelect(BufferSlice x, BufferSlice index, BufferSlice y, int outer, int n, int m, int inner);

    /// <summary>dx[o, index[j], i] += g[o, j, i].</summary>
    void IndexAdd(BufferSlice g, BufferSlice index, BufferSlice dx, int outer, int n, int m, int inner);
}
