namespace NativeContrast.Backends;

/// <summary>The rowwise family's slice of the backend interface.</summary>
internal partial interface IBackend
{
    void L2Normalize(BufferSlice x, BufferSlice y, BufferSlice norms, int rows, int cols, float eps);

    /// <summary>dx = (g − y·(g·y))/‖x‖ per row (g/ε below ε); dx may alias g (the fused losses run it in place).</summary>
    void L2NormalizeBackward(BufferSlice g, BufferSlice y, BufferSlice norms, BufferSlice dx, int rows, int cols, float eps);

    /// <summary>Per row: norms = ‖x‖, inverseNorms = 1/max(‖x‖, ε) (a normalizing loss's row factors, see <see cref="BufferRows"/>).</summary>
    void RowNorms(BufferSlice x, BufferSlice norms, BufferSlice inverseNorms, int rows, int cols, float eps);

    /// <summary>dots[r] = a_r·b_r for the rows of two [rows, cols] matrices.</summary>
    void RowDots(BufferSlice a, BufferSlice b, BufferSlice dots, int rows, int cols);

    /// <summary><see cref="L2NormalizeBackward"/> in place with y recomputed from x: gradient holds ∂L/∂y on entry, ∂L/∂x on return.</summary>
    void L2NormalizeBackwardInPlace(BufferSlice gradient, BufferSlice x, BufferSlice norms, int rows, int cols, float eps);

    void LogSoftmax(BufferSlice x, BufferSlice y, int rows, int cols);

    void LogSoftmaxBackward(BufferSlice g, BufferSlice y, BufferSlice dx, int rows, int cols);

    void CrossEntropy(BufferSlice logits, BufferSlice labels, BufferSlice loss, BufferSlice lse, int rows, int cols);

    /// <summary>dx = g[0]·scale·(softmax − onehot).</summary>
    void CrossEntropyBackward(BufferSlice logits, BufferSlice labels, BufferSlice lse, BufferSlice g, BufferSlice dx, int rows, int cols, double scale);
}
