using NativeContrast.Backends;

namespace NativeContrast;

/// <summary>Creating tensors and moving data in and out.</summary>
public sealed partial class Tensor
{
    /// <summary>Allocates an uninitialized tensor (internal: callers overwrite every element).</summary>
    internal static Tensor Empty(int[] shape, Device device, DType dtype, bool scoped = true)
    {
        if (dtype == DType.Float64 && !device.SupportsFloat64)
            throw new ArgumentException($"float64 tensors are supported only on 'cpu' (for gradient checks); device '{device.Name}' holds float32 and int32.", nameof(dtype));
        int count = Shapes.Count(shape);
        var buffer = device.Backend.Allocate(dtype, count);
        return new Tensor(new TensorStorage(device, buffer), 0, (int[])shape.Clone(), dtype, scoped);
    }

    /// <summary>A float32 tensor on <c>cpu</c> holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(float[] data, params int[] shape) => FromArray(data, shape, Device.Cpu);

    /// <summary>A float32 tensor of <paramref name="shape"/> on <paramref name="device"/> holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(float[] data, int[] shape, Device device, bool requiresGrad = false) =>
        FromSpan<float>(data, shape, device, DType.Float32, requiresGrad);

    /// <summary>A float64 tensor of <paramref name="shape"/> on the CPU holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(double[] data, params int[] shape) => FromArray(data, shape, Device.Cpu);

    /// <summary>A float64 tensor of <paramref name="shape"/> on <paramref name="device"/> holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(double[] data, int[] shape, Device device, bool requiresGrad = false) =>
        FromSpan<double>(data, shape, device, DType.Float64, requiresGrad);

    /// <summary>An int32 tensor (indices, labels).</summary>
    public static Tensor FromArray(int[] data, params int[] shape) => FromArray(data, shape, Device.Cpu);

    /// <summary>An int32 tensor of <paramref name="shape"/> on <paramref name="device"/> holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(int[] data, int[] shape, Device device) =>
        FromSpan<int>(data, shape, device, DType.Int32, false);

    private static Tensor FromSpan<T>(ReadOnlySpan<T> data, int[] shape, Device device, DType dtype, bool requiresGrad) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(device);
        int count = Shapes.Count(shape);
        if (count != data.Length)
            throw new ArgumentException($"Shape {Shapes.Format(shape)} holds {count} elements but the data has {data.Length}.", nameof(shape));
        var t = Empty(shape, device, dtype);
        device.Backend.Upload(data, t.Data);
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>
    /// A floating-point tensor that belongs to no <see cref="TensorScope"/> (parameters, buffers, optimizer
    /// state: they live until disposed by their owner), holding <paramref name="values"/> in <paramref name="dtype"/>.
    /// </summary>
    internal static Tensor Persistent(double[] values, int[] shape, Device device, DType dtype)
    {
        if (Shapes.Count(shape) != values.Length)
            throw new ArgumentException($"Shape {Shapes.Format(shape)} holds {Shapes.Count(shape)} elements but the data has {values.Length}.", nameof(shape));
        var t = Empty(shape, device, dtype, scoped: false);
        if (dtype == DType.Float64) device.Backend.Upload<double>(values, t.Data);
        else device.Backend.Upload<float>(Array.ConvertAll(values, v => (float)v), t.Data);
        return t;
    }

    /// <summary>A copy of <paramref name="data"/> in a tensor that belongs to no scope (its owner disposes it).</summary>
    internal static Tensor Unscoped<T>(ReadOnlySpan<T> data, int[] shape, Device device, DType dtype) where T : unmanaged
    {
        var t = Empty(shape, device, dtype, scoped: false);
        device.Backend.Upload(data, t.Data);
        return t;
    }

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(int[] shape, Device? device = null, DType dtype = DType.Float32) => Full(shape, 0.0, device, dtype);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(int[] shape, Device? device = null, DType dtype = DType.Float32) => Full(shape, 1.0, device, dtype);

    /// <summary>A tensor with every element <paramref name="value"/>.</summary>
    public static Tensor Full(int[] shape, double value, Device? device = null, DType dtype = DType.Float32)
    {
        var t = Empty(shape, device ?? Device.Cpu, dtype);
        t.Backend.Fill(t.Data, value);
        return t;
    }

    /// <summary>A 0-dimensional tensor.</summary>
    public static Tensor Scalar(double value, Device? device = null, DType dtype = DType.Float32) => Full([], value, device, dtype);

    /// <summary>Standard normal samples (Box–Muller) from a seeded generator: reproducible across devices.</summary>
    public static Tensor RandomNormal(int[] shape, int seed, Device? device = null, DType dtype = DType.Float32, double std = 1.0)
    {
        var rng = new Random(seed);
        int count = Shapes.Count(shape);
        var values = new double[count];
        for (int i = 0; i < count; i += 2)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1)) * std;
            values[i] = r * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < count) values[i + 1] = r * Math.Sin(2 * Math.PI * u2);
        }
        return dtype == DType.Float64
            ? FromArray(values, shape, device ?? Device.Cpu)
            : FromArray(Array.ConvertAll(values, v => (float)v), shape, device ?? Device.Cpu);
    }

    /// <summary>Uniform samples in [low, high) from a seeded generator.</summary>
    public static Tensor RandomUniform(int[] shape, int seed, double low = 0, double high = 1, Device? device = null, DType dtype = DType.Float32)
    {
        var rng = new Random(seed);
        var values = new double[Shapes.Count(shape)];
        for (int i = 0; i < values.Length; i++) values[i] = low + (high - low) * rng.NextDouble();
        return dtype == DType.Float64
            ? FromArray(values, shape, device ?? Device.Cpu)
            : FromArray(Array.ConvertAll(values, v => (float)v), shape, device ?? Device.Cpu);
    }

    /// <summary>Copies the values to a new float32 array (float64 rounded, int32 converted); waits for the device.</summary>
    public float[] ToFloatArray()
    {
        if (DType == DType.Float32) return Download<float>();
        if (DType == DType.Float64) return Array.ConvertAll(Download<double>(), v => (float)v);
        return Array.ConvertAll(Download<int>(), v => (float)v);
    }

    /// <summary>Copies the values to a new float64 array; waits for the device.</summary>
    public double[] ToDoubleArray()
    {
        if (DType == DType.Float64) return Download<double>();
        if (DType == DType.Float32) return Array.ConvertAll(Download<float>(), v => (double)v);
        return Array.ConvertAll(Download<int>(), v => (double)v);
    }

    /// <summary>Copies the values of an int32 tensor to a new array; waits for the device.</summary>
    public int[] ToIntArray()
    {
        if (DType != DType.Int32) throw new InvalidOperationException($"ToIntArray needs an Int32 tensor; this one is {DType}.");
        return Download<int>();
    }

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        if (Count != 1) throw new InvalidOperationException($"Item() needs exactly one element; this tensor has shape {Shapes.Format(shape)}.");
        return ToDoubleArray()[0];
    }

    private T[] Download<T>() where T : unmanaged
    {
        Device.OnHostRead();
        var result = new T[Count];
        Backend.Download<T>(Data, result);
        return result;
    }

    /// <summary>A copy on <paramref name="device"/> (this tensor itself when already there). Not recorded by autograd.</summary>
    public Tensor To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (ReferenceEquals(device, Device)) return this;
        return DType switch
        {
            DType.Float32 => FromArray(Download<float>(), shape, device),
            DType.Float64 => FromArray(Download<double>(), shape, device),
            _ => FromArray(Download<int>(), shape, device),
        };
    }

    /// <summary>A copy in another element type on the same device (via the host). Not recorded by autograd.</summary>
    public Tensor ToDType(DType dtype)
    {
        if (dtype == DType) return Clone();
        return dtype switch
        {
            DType.Float32 => FromArray(ToFloatArray(), shape, Device),
            DType.Float64 => FromArray(ToDoubleArray(), shape, Device),
            _ => FromArray(Array.ConvertAll(ToDoubleArray(), v => (int)v), shape, Device),
        };
    }

    /// <summary>A new tensor sharing this one's storage, with no autograd history.</summary>
    public Tensor Detach()
    {
        storage.AddReference();
        return new Tensor(storage, offset, shape, DType);
    }

    /// <summary>A copy in new storage, with no autograd history.</summary>
    public Tensor Clone() => CloneCore(scoped: true);

    internal Tensor CloneUnscoped() => CloneCore(scoped: false);

    /// <summary>
    /// An unscoped tensor with this one's values that this one is given up for: it takes over the storage when
    /// nothing else uses it (no copy; this tensor is disposed), and is a copy otherwise.
    /// </summary>
    internal Tensor MoveUnscoped()
    {
        if (disposed || storage.IsShared || offset != 0 || Count != storage.Buffer.Length) return CloneUnscoped();
        storage.AddReference();
        var moved = new Tensor(storage, offset, shape, DType, scoped: false);
        Dispose();
        return moved;
    }

    private Tensor CloneCore(bool scoped)
    {
        var t = Empty(shape, Device, DType, scoped);
        var pair = Kernels.StridedPair.Create([Count], [1], [1]);
        Backend.StridedCopy(Data, t.Data, pair, Count);
        return t;
    }

    /// <summary>this += other (same shape, device and dtype). Used for gradient accumulation and by optimizers.</summary>
    internal void AddInPlace(Tensor other)
    {
        CheckCompatible("AddInPlace", this, other);
        Backend.Binary(default(Kernels.Ops.AddFunction), Data, other.Data, Data, null);
    }

    /// <summary>Overwrites this tensor's elements with <paramref name="source"/>'s (same shape). Not recorded by autograd.</summary>
    public void CopyFrom(Tensor source)
    {
        CheckCompatible("CopyFrom", this, source);
        if (!source.shape.AsSpan().SequenceEqual(shape))
            throw new ArgumentException($"CopyFrom: source shape {Shapes.Format(source.shape)} differs from {Shapes.Format(shape)}.", nameof(source));
        Backend.StridedCopy(source.Data, Data, Kernels.StridedPair.Create([Count], [1], [1]), Count);
    }

    /// <summary>Checks that all tensors sit on one device and share one dtype; the message names both sides.</summary>
    internal static void CheckCompatible(string op, params Tensor[] tensors)
    {
        for (int i = 1; i < tensors.Length; i++)
        {
            if (!ReferenceEquals(tensors[i].Device, tensors[0].Device))
                throw new ArgumentException(
                    $"{op}: tensors are on different devices: argument 1 is on '{tensors[0].Device.Name}' and argument {i + 1} on '{tensors[i].Device.Name}'. Move one with .To(device).");
            if (tensors[i].DType != tensors[0].DType)
                throw new ArgumentException(
                    $"{op}: tensors have different dtypes: argument 1 is {tensors[0].DType} and argument {i + 1} is {tensors[i].DType}.");
        }
    }

    internal static void CheckFloating(string op, Tensor t)
    {
        if (t.DType == DType.Int32)
            throw new ArgumentException($"{op} needs a floating-point tensor; got Int32 of shape {Shapes.Format(t.shape)}.");
    }
}
