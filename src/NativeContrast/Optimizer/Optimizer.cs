namespace NativeContrast.Optim;

/// <summary>
/// Updates parameters from their gradients. Per-parameter state (momentum, moments) is created on the
/// first step, belongs to the optimizer (disposed with it) and is exposed by name for checkpoints
/// (<see cref="NamedState"/>). Parameters without a gradient are skipped. The update runs with graph
/// recording off; its temporaries are freed at the end of <see cref="Step"/>.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly Dictionary<(int Index, string Slot), Tensor> state = new();
    private double learningRate;

    /// <summary>An optimizer over <paramref name="parameters"/> at rate <paramref name="learningRate"/>.</summary>
    protected Optimizer(IEnumerable<(string Name, Tensor Parameter)> parameters, double learningRate)
    {
        Parameters = parameters.ToList();
        if (Parameters.Count == 0) throw new ArgumentException("An optimizer needs at least one parameter.", nameof(parameters));
        foreach (var (name, p) in Parameters)
            if (!p.RequiresGrad) throw new ArgumentException($"Parameter '{name}' does not require a gradient.", nameof(parameters));
        LearningRate = learningRate;
    }

    /// <summary>The parameters updated, with their names.</summary>
    public IReadOnlyList<(string Name, Tensor Parameter)> Parameters { get; }

    /// <summary>The learning rate of the next step (schedules set it before each step).</summary>
    public double LearningRate
    {
        get => learningRate;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be a finite number ≥ 0.");
            learningRate = value;
        }
    }

    /// <summary>Steps taken so far.</summary>
    public int StepCount { get; private set; }

    /// <summary>Updates every parameter that has a gradient.</summary>
    public void Step()
    {
        using var noGrad = GradMode.NoGrad();
        StepCount++;
        for (int i = 0; i < Parameters.Count; i++)
        {
            var (name, p) = Parameters[i];
            if (p.Grad is null) continue;
            using var scope = TensorScope.Begin();
            Update(i, name, p, p.Grad);
        }
    }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, p) in Parameters) p.ZeroGrad();
    }

    /// <summary>Optimizer state by name (<c>{parameter}.{slot}</c>), for checkpoints; loading copies into these tensors.</summary>
    public IReadOnlyDictionary<string, Tensor> NamedState() =>
        state.ToDictionary(kv => $"{Parameters[kv.Key.Index].Name}.{kv.Key.Slot}", kv => kv.Value);

    /// <summary>Restores the step count and state written by <see cref="NamedState"/> (creating slots as needed).</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> named, int stepCount)
    {
        StepCount = stepCount;
        using var noGrad = GradMode.NoGrad();
        foreach (var (key, value) in named)
        {
            int dot = key.LastIndexOf('.');
            int index = Parameters.ToList().FindIndex(p => p.Name == key[..Math.Max(0, dot)]);
            if (dot < 0 || index < 0) throw new ArgumentException($"Optimizer state '{key}' names no parameter of this optimizer.", nameof(named));
            var slot = Slot(index, key[(dot + 1)..]);
            using var scope = TensorScope.Begin();
            slot.CopyFrom(value.To(slot.Device).ToDType(slot.DType));
        }
    }

    /// <summary>The update of one parameter: write the new value with <c>p.CopyFrom</c>.</summary>
    protected abstract void Update(int index, string name, Tensor p, Tensor grad);

    /// <summary>A persistent zero tensor shaped like parameter <paramref name="index"/>, created on first use.</summary>
    protected Tensor Slot(int index, string slot)
    {
        if (!state.TryGetValue((index, slot), out var t))
        {
            var p = Parameters[index].Parameter;
            t = Tensor.Persistent(new double[p.Count], p.Shape.ToArray(), p.Device, p.DType);
            state[(index, slot)] = t;
        }
        return t;
    }

    /// <summary>Whether state <paramref name="slot"/> of parameter <paramref name="index"/> exists yet.</summary>
    protected bool HasSlot(int index, string slot) => state.ContainsKey((index, slot));

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in state.Values) t.Dispose();
        state.Clear();
        GC.SuppressFinalize(this);
    }
}
