using System.Text.Json.Serialization;

namespace NativeContrast.Training;

/// <summary>The encoder a run trains.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EncoderKind>))]
public enum EncoderKind
{
    /// <summary><see cref="Nn.SmallCnn"/>: 128 features.</summary>
    [JsonStringEnumMemberName("small-cnn")] SmallCnn,

    /// <summary><see cref="Nn.ResNet18"/> with the small-image stem: 512 features.</summary>
    [JsonStringEnumMemberName("resnet18")] ResNet18,
}
