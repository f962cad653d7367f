using NativeContrast.IO;

namespace NativeContrast.Nn;

/// <summary>
/// <see cref="ResNet18"/> weights under torchvision's names, both ways, so that weights move between this engine and
/// PyTorch: <c>features.0</c> ↔ <c>conv1</c>, <c>features.1</c> ↔ <c>bn1</c>, the k-th basic block ↔
/// <c>layer{k/2+1}.{k%2}</c>, a block's <c>shortcut.0/1</c> ↔ <c>downsample.0/1</c>. Batch norms get torchvision's
/// <c>num_batches_tracked</c> (int64) on the way out (0: the engine's batch norm uses a fixed momentum and never reads
/// it) and it is accepted and ignored on the way in. torchvision's classifier <c>fc</c> has no counterpart here: a
/// non-strict load reports it as unexpected. The stem must match the weights' (<see cref="ResNetStem.Standard"/> for
/// torchvision's models).
/// <code>
/// using var resnet = new ResNet18(3, stem: ResNetStem.Standard);
/// var report = TorchVisionResNet.Load(resnet, "resnet18.safetensors", strict: false);   // F32, F16 or BF16
/// Console.WriteLine(report);                                                         // missing [], unexpected [fc.weight, fc.bias]
/// </code>
/// </summary>
public static class TorchVisionResNet
{
    private const string BatchesTracked = "num_batches_tracked";

    /// <summary>This engine's name of every parameter and buffer → torchvision's.</summary>
    /// <param name="model">The model whose names are mapped (the stem decides the layer indices).</param>
    public static IReadOnlyDictionary<string, string> Names(ResNet18 model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var prefixes = new Dictionary<string, string>(StringComparer.Ordinal);
        int block = 0;
        var layers = model.Features.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            string? name = layers[i] switch
            {
                Conv2d => "conv1",
                BatchNorm2d => "bn1",
                BasicBlock => $"layer{block / 2 + 1}.{block++ % 2}",
                _ => null,
            };
            if (name is not null) prefixes[$"features.{i}."] = name + ".";
        }
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in model.StateDict().Keys)
        {
            var prefix = prefixes.Keys.First(key.StartsWith);
            names[key] = prefixes[prefix] + key[prefix.Length..].Replace("shortcut.", "downsample.", StringComparison.Ordinal);
        }
        return names;
    }

    /// <summary>The model's parameters and buffers under torchvision's names, with a <c>num_batches_tracked</c> per batch norm (the live tensors, plus new int32 zeros the caller disposes).</summary>
    /// <param name="model">The model.</param>
    public static Dictionary<string, Tensor> StateDict(ResNet18 model)
    {
        var names = Names(model);
        var state = model.StateDict().ToDictionary(p => names[p.Key], p => p.Value, StringComparer.Ordinal);
        foreach (var runningMean in names.Values.Where(n => n.EndsWith(".running_mean", StringComparison.Ordinal)).ToList())
            state[runningMean[..^"running_mean".Length] + BatchesTracked] = Tensor.Unscoped<int>([0], [], Device.Cpu, DType.Int32);
        return state;
    }

    /// <summary>Loads weights named as torchvision names them (<c>num_batches_tracked</c> accepted and ignored).</summary>
    /// <param name="model">The model to load into.</param>
    /// <param name="state">Tensors under torchvision's names.</param>
    /// <param name="strict">Refuse any missing or unexpected name (torchvision's <c>fc</c> is unexpected).</param>
    /// <returns>The names that did not match, in torchvision's naming.</returns>
    public static StateDictLoadResult LoadStateDict(ResNet18 model, IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var toTorch = Names(model);
        var fromTorch = toTorch.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        foreach (var (name, tensor) in state)
        {
            if (fromTorch.TryGetValue(name, out var mine)) mapped[mine] = tensor;
            else if (!name.EndsWith("." + BatchesTracked, StringComparison.Ordinal)) unexpected.Add(name);
        }
        var missing = toTorch.Where(p => !mapped.ContainsKey(p.Key)).Select(p => p.Value).ToList();
        var result = new StateDictLoadResult(missing, unexpected);
        if (strict && !result.IsComplete)
            throw new ArgumentException($"torchvision ResNet-18 weights do not match this ResNet18 ({model.Stem} stem): {result}.", nameof(state));
        model.LoadStateDict(mapped, strict: false);
        return result;
    }

    /// <summary>Writes the model's weights as a safetensors file PyTorch loads into torchvision's <c>resnet18</c> (strict=False: no <c>fc</c>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The file to write (atomically).</param>
    public static void Save(ResNet18 model, string path)
    {
        var state = StateDict(model);
        try
        {
            SafeTensors.Write(path, state, new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "NativeContrast" }, integersAsInt64: true);
        }
        finally
        {
            foreach (var (name, t) in state.Where(p => p.Key.EndsWith(BatchesTracked, StringComparison.Ordinal))) t.Dispose();
        }
    }

    /// <summary>Loads a safetensors file of torchvision ResNet-18 weights (F32, F16 or BF16, converted to float32).</summary>
    /// <param name="model">The model to load into.</param>
    /// <param name="path">The safetensors file.</param>
    /// <param name="strict">Refuse any missing or unexpected name.</param>
    /// <returns>The names that did not match.</returns>
    public static StateDictLoadResult Load(ResNet18 model, string path, bool strict = true)
    {
        var (tensors, _) = SafeTensors.Read(path);
        try
        {
            return LoadStateDict(model, tensors, strict);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
