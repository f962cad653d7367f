using NativeContrast.Autograd;
using NativeContrast.Backends;

namespace NativeContrast;

/// <summary>
/// An n-dimensional array on a <see cref="Device"/>, contiguous in row-major order, with reverse-mode
/// autograd. Reshape and slicing along the first axis are views sharing storage; other shape ops copy.
/// Tensors hold device memory: dispose them, or create them inside a <see cref="TensorScope"/>.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorStorage storage;
    private readonly int offset;
    private readonly int[] shape;
    private bool requiresGrad;
    private bool disposed;

    internal Tensor(TensorStorage storage, int offset, int[] shape, DType dtype, bool scoped = true)
    {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        DType = dtype;
        Count = Shapes.Count(shape);
        if (scoped) TensorScope.Register(this);
    }

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<int> Shape => shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => shape.Length;

    /// <summary>Number of elements.</summary>
    public int Count { get; }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>The device the values live on.</summary>
    public Device Device => storage.Device;

    /// <summary>Whether gradients flow to this tensor. Settable on leaves (tensors not produced by an op).</summary>
    public bool RequiresGrad
    {
        get => requiresGrad;
        set
        {
            if (GradFn is not null)
                throw new InvalidOperationException("RequiresGrad can only be set on leaf tensors; this one was produced by an op. Use Detach() to get a leaf.");
            if (value && DType == DType.Int32)
                throw new InvalidOperationException("Int32 tensors (indices, labels) cannot require a gradient.");
            requiresGrad = value;
        }
    }

    /// <summary>The accumulated gradient of the last <see cref="Backward()"/> calls (leaves only), or null.</summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>True when the tensor was not produced by a recorded op.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>True once the tensor's memory was released.</summary>
    public bool IsDisposed => disposed;

    internal AutogradNode? GradFn { get; set; }

    internal bool RequiresGradInternal { set => requiresGrad = value; }

    internal int[] ShapeArray => shape;

    internal TensorStorage Storage => storage;

    internal int Offset => offset;

    internal IBackend Backend => storage.Device.Backend;

    internal BufferSlice Data
    {
        get
        {
            if (disposed) throw new ObjectDisposedException(nameof(Tensor), $"This {Shapes.Format(shape)} tensor was disposed.");
            return new BufferSlice(storage.Buffer, offset, Count);
        }
    }

    /// <summary>Computes the gradients of this scalar with respect to every leaf that requires one, accumulating into their <see cref="Grad"/>.</summary>
    public void Backward()
    {
        if (Count != 1)
            throw new InvalidOperationException($"Backward() without a seed needs a scalar; this tensor has shape {Shapes.Format(shape)}. Reduce it (Sum, Mean) or pass the output gradient.");
        BackwardPass.Run(this, null);
    }

    /// <summary>Backward from a non-scalar with an explicit output gradient (same shape).</summary>
    public void Backward(Tensor outputGradient)
    {
        if (!outputGradient.ShapeArray.AsSpan().SequenceEqual(shape))
            throw new ArgumentException($"The output gradient has shape {Shapes.Format(outputGradient.ShapeArray)} but the tensor has {Shapes.Format(shape)}.", nameof(outputGradient));
        BackwardPass.Run(this, outputGradient);
    }

    /// <summary>Frees <see cref="Grad"/>.</summary>
    public void ZeroGrad()
    {
        Grad?.Dispose();
        Grad = null;
    }

    /// <summary>Releases this tensor's hold on its storage (and its gradient). Safe to call twice.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        GradFn = null;
        Grad?.Dispose();
        Grad = null;
        storage.Release();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"Tensor({Shapes.Format(shape)}, {DType}, {Device.Name}{(RequiresGrad ? ", requires grad" : string.Empty)})";
}
