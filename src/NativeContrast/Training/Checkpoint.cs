using System.Globalization;
using System.Text.Json;
using NativeContrast.IO;

namespace NativeContrast.Training;

/// <summary>
/// A training checkpoint in safetensors: the encoder (<c>encoder.*</c>), head (<c>head.*</c>), MoCo's key
/// networks and queue, the optimizer state (<c>optimizer.*</c>) and a learned temperature, with the
/// position in training (epoch, next batch, optimizer steps) and the config as metadata. All randomness
/// in training derives from the seed and that position, so it is the RNG state too.
/// </summary>
internal sealed record Checkpoint(IReadOnlyDictionary<string, Tensor> Tensors, TrainingConfig Config, int Epoch, int Batch, int OptimizerSteps)
{
    public const string FileName = "checkpoint.safetensors";

    public const int FormatVersion = 1;

    public void Save(string path)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "nativecontrast-checkpoint",
            ["version"] = FormatVersion.ToString(CultureInfo.InvariantCulture),
            ["epoch"] = Epoch.ToString(CultureInfo.InvariantCulture),
            ["batch"] = Batch.ToString(CultureInfo.InvariantCulture),
            ["optimizer_steps"] = OptimizerSteps.ToString(CultureInfo.InvariantCulture),
            ["config"] = JsonSerializer.Serialize(Config),
        };
        SafeTensors.Write(path, Tensors, metadata);
    }

    /// <summary>Reads a checkpoint; tensors belong to the caller (dispose them).</summary>
    public static Checkpoint Load(string path, Device? device = null)
    {
        var (tensors, metadata) = SafeTensors.Read(path, device);
        try
        {
            if (!metadata.TryGetValue("format", out var format) || format != "nativecontrast-checkpoint")
                throw new InvalidDataException($"'{path}' is a safetensors file but not a NativeContrast checkpoint (no 'format' metadata).");
            var config = TrainingConfig.FromJson(metadata["config"]);
            return new Checkpoint(tensors, config, Int(metadata, "epoch", path), Int(metadata, "batch", path), Int(metadata, "optimizer_steps", path));
        }
        catch (Exception e) when (e is KeyNotFoundException or JsonException)
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw new InvalidDataException($"'{path}': the checkpoint's metadata is incomplete or corrupt ({e.Message}).", e);
        }
    }

    /// <summary>The tensors whose names start with <paramref name="prefix"/>, with the prefix removed.</summary>
    public Dictionary<string, Tensor> Section(string prefix) =>
        Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    private static int Int(Dictionary<string, string> metadata, string key, string path) =>
        int.TryParse(metadata[key], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new InvalidDataException($"'{path}': metadata '{key}' is not a number.");
}
