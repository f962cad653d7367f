namespace NativeContrast.Nn;

/// <summary>
/// Modules applied in order; children are named 0, 1, 2, … in the state dictionary. A <see cref="BatchNorm"/> directly
/// followed by a <see cref="Relu"/> runs as one fused op (<see cref="Tensor.BatchNormRelu"/>): the same result and
/// gradients, one pass over memory fewer each way; both modules stay in the list and the state dictionary.
/// </summary>
public sealed class Sequential : Module
{
    private readonly List<Module> layers = new();

    /// <summary>A sequence of <paramref name="modules"/>, named 0, 1, 2, ….</summary>
    public Sequential(params Module[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    /// <summary>The modules in order.</summary>
    public IReadOnlyList<Module> Layers => layers;

    /// <summary>Appends <paramref name="module"/> under the next index; returns this sequence.</summary>
    public Sequential Add(Module module)
    {
        AddModule(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        layers.Add(module);
        return this;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is BatchNorm norm && i + 1 < layers.Count && layers[i + 1] is Relu)
            {
                x = norm.ForwardRelu(x);
                i++;
                continue;
            }
            x = layers[i].Forward(x);
        }
        return x;
    }
}
