using System.Text.Json.Serialization;

namespace NativeContrast.Training;

/// <summary>The contrastive objective a run trains with (see <see cref="TrainingMethods"/> for what each does).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrainingMethod>))]
public enum TrainingMethod
{
    /// <summary>SimCLR (Chen et al. 2020): NT-Xent over two views of each image; no labels.</summary>
    [JsonStringEnumMemberName("simclr")] SimClr,

    /// <summary>SupCon (Khosla et al. 2020): views of images of one class are positives.</summary>
    [JsonStringEnumMemberName("supcon")] SupCon,

    /// <summary>Triplet loss with batch-hard or semi-hard mining over the labels.</summary>
    [JsonStringEnumMemberName("triplet")] Triplet,

    /// <summary>MoCo v2 (Chen et al. 2020): InfoNCE against a momentum key encoder and a queue of past keys; no labels.</summary>
    [JsonStringEnumMemberName("moco")] MoCo,
}
