namespace NativeContrast.Nn;

/// <summary>Modules applied in order; children are named 0, 1, 2, … in the state dictionary.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> layers = new();

    public Sequential(params Module[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    public IReadOnlyList<Module> Layers => layers;

    public Sequential Add(Module module)
    {
        AddModule(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        layers.Add(module);
        return this;
    }

    public override Tensor Forward(Tensor x)
    {
        foreach (var layer in layers) x = layer.Forward(x);
        return x;
    }
}
