namespace NativeContrast;

/// <summary>
/// Frees the tensors created while it is open (on this thread) when it is disposed, except those
/// passed to <see cref="Keep"/>. Scopes nest; a kept tensor moves to the enclosing scope (or to no
/// scope). Typical use: one scope per training step.
/// <code>using (var step = TensorScope.Begin()) { var loss = ...; loss.Backward(); }</code>
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? current;

    private readonly TensorScope? parent;
    private readonly List<Tensor> owned = new();
    private bool disposed;

    private TensorScope(TensorScope? parent) => this.parent = parent;

    /// <summary>Opens a scope on this thread.</summary>
    public static TensorScope Begin() => current = new TensorScope(current);

    /// <summary>How many tensors this scope will free.</summary>
    public int Count => owned.Count;

    internal static void Register(Tensor tensor) => current?.owned.Add(tensor);

    /// <summary>Keeps <paramref name="tensor"/> alive past this scope (it moves to the enclosing one).</summary>
    public Tensor Keep(Tensor tensor)
    {
        if (owned.Remove(tensor)) parent?.owned.Add(tensor);
        return tensor;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (current != this)
            throw new InvalidOperationException("Tensor scopes must be disposed in the reverse order they were begun, on the thread that began them.");
        current = parent;
        foreach (var t in owned) t.Dispose();
        owned.Clear();
    }
}
