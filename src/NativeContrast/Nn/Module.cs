namespace NativeContrast.Nn;

/// <summary>
/// A layer or a model: named parameters (trainable tensors), named buffers (state such as batch-norm
/// running statistics), child modules, and a train/eval mode. Names nest with dots
/// (<c>layer1.0.conv1.weight</c>); <see cref="StateDict"/> maps every name to its tensor, which is what
/// checkpoints write and <see cref="LoadStateDict"/> reads. Parameters and buffers belong to no
/// <see cref="TensorScope"/>; disposing the module frees them.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor Tensor)> parameters = new();
    private readonly List<(string Name, Tensor Tensor)> buffers = new();
    private readonly List<(string Name, Module Module)> children = new();
    private bool disposed;

    /// <summary>True in training mode (the default): batch norm uses batch statistics, dropout drops.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Runs the module on a batch.</summary>
    public abstract Tensor Forward(Tensor x);

    /// <summary>Sets training mode on this module and every child; returns this module.</summary>
    public Module Train(bool training = true)
    {
        Training = training;
        foreach (var (_, child) in children) child.Train(training);
        return this;
    }

    /// <summary>Evaluation mode: running statistics, no dropout.</summary>
    public Module Eval() => Train(false);

    /// <summary>Every trainable tensor with its dotted name, depth first.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters() => Walk(m => m.parameters);

    /// <summary>Every trainable tensor, depth first.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer (running statistics) with its dotted name, depth first.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers() => Walk(m => m.buffers);

    /// <summary>This module and every module inside it, depth first.</summary>
    public IEnumerable<Module> Modules()
    {
        yield return this;
        foreach (var (_, child) in children)
            foreach (var m in child.Modules()) yield return m;
    }

    /// <summary>Trainable scalars: Σ over parameters of their element counts.</summary>
    public long ParameterCount => Parameters().Sum(p => (long)p.Count);

    /// <summary>Every parameter and buffer by name (the live tensors, not copies).</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict() =>
        NamedParameters().Concat(NamedBuffers()).ToDictionary(p => p.Item1, p => p.Item2);

    /// <summary>
    /// Copies values into this module's parameters and buffers by name (converted to their device and type). With
    /// <paramref name="strict"/> (the default) every name must be present and no other given, so a checkpoint of another
    /// model is never half-loaded; without it the names both have are loaded and the rest reported (as PyTorch's
    /// <c>load_state_dict(strict=False)</c>). A shape that differs is an error either way, and nothing is loaded then.
    /// </summary>
    /// <param name="state">Tensors by name.</param>
    /// <param name="strict">Refuse any missing or unexpected name.</param>
    /// <returns>The names that did not match (empty when strict).</returns>
    public StateDictLoadResult LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var mine = StateDict();
        var result = new StateDictLoadResult(
            mine.Keys.Where(k => !state.ContainsKey(k)).ToList(),
            state.Keys.Where(k => !mine.ContainsKey(k)).ToList());
        if (strict && !result.IsComplete)
            throw new ArgumentException($"State dictionary does not match {GetType().Name}: {result}.", nameof(state));
        var loaded = mine.Where(p => state.ContainsKey(p.Key)).ToList();
        foreach (var (name, target) in loaded)
        {
            var source = state[name];
            if (!source.Shape.SequenceEqual(target.Shape))
                throw new ArgumentException($"State dictionary: '{name}' has shape {Shapes.Format(source.ShapeArray)}, the module expects {Shapes.Format(target.ShapeArray)}.", nameof(state));
        }
        using var noGrad = GradMode.NoGrad();
        foreach (var (name, target) in loaded)
        {
            using var scope = TensorScope.Begin();
            target.CopyFrom(state[name].To(target.Device).ToDType(target.DType));
        }
        return result;
    }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Registers a trainable tensor (made persistent here: the module owns it).</summary>
    protected Tensor AddParameter(string name, Tensor value)
    {
        CheckName(name);
        value.RequiresGrad = true;
        parameters.Add((name, value));
        return value;
    }

    /// <summary>Registers non-trainable state (saved and loaded with the parameters).</summary>
    protected Tensor AddBuffer(string name, Tensor value)
    {
        CheckName(name);
        buffers.Add((name, value));
        return value;
    }

    /// <summary>Registers a child module under <paramref name="name"/> (its members' names get the prefix <c>name.</c>); returns it.</summary>
    protected T AddModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        children.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"A module member name must be non-empty and have no '.'; got '{name}'.", nameof(name));
        if (parameters.Any(p => p.Name == name) || buffers.Any(b => b.Name == name) || children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'.", nameof(name));
    }

    private IEnumerable<(string, Tensor)> Walk(Func<Module, List<(string Name, Tensor Tensor)>> select, string prefix = "")
    {
        foreach (var (name, tensor) in select(this)) yield return (prefix + name, tensor);
        foreach (var (name, child) in children)
            foreach (var item in child.Walk(select, prefix + name + ".")) yield return item;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var (_, t) in parameters) { t.Grad?.Dispose(); t.Dispose(); }
        foreach (var (_, t) in buffers) t.Dispose();
        foreach (var (_, c) in children) c.Dispose();
        GC.SuppressFinalize(this);
    }
}
