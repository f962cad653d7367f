using System.Text.Json.Serialization;

namespace NativeContrast.Data;

/// <summary>Where an image folder's labels come from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FolderLabels>))]
public enum FolderLabels
{
    /// <summary>Labelled when every image sits in a first-level sub-folder (its class); otherwise unlabelled.</summary>
    [JsonStringEnumMemberName("auto")] Auto,

    /// <summary>The first-level sub-folders are the classes (images deeper down belong to their first-level folder).</summary>
    [JsonStringEnumMemberName("folders")] Folders,

    /// <summary>No labels: every image under the folder, however deep.</summary>
    [JsonStringEnumMemberName("none")] None,
}
