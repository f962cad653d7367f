using System.Text.Json.Serialization;

namespace NativeContrast.Training;

/// <summary>The optimizer a run trains with.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OptimizerKind>))]
public enum OptimizerKind
{
    /// <summary><see cref="Optim.Lars"/> (SimCLR's), momentum 0.9; biases, norms and τ excluded from adaptation.</summary>
    [JsonStringEnumMemberName("lars")] Lars,

    /// <summary><see cref="Optim.Sgd"/> with momentum 0.9.</summary>
    [JsonStringEnumMemberName("sgd")] Sgd,

    /// <summary><see cref="Optim.AdamW"/>.</summary>
    [JsonStringEnumMemberName("adamw")] AdamW,
}
