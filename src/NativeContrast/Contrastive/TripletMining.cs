using System.Text.Json.Serialization;

namespace NativeContrast.Losses;

/// <summary>How <see cref="TripletLoss"/> picks each anchor's positive and negative within the batch.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TripletMining>))]
public enum TripletMining
{
    /// <summary>Batch-hard (Hermans et al. 2017): the farthest positive and the closest negative.</summary>
    [JsonStringEnumMemberName("hard")] Hard,

    /// <summary>
    /// Semi-hard (FaceNet): the farthest positive and the closest negative that is still farther than
    /// it; when no negative is, the farthest negative (the mildest violation), as TensorFlow Addons does.
    /// </summary>
    [JsonStringEnumMemberName("semihard")] SemiHard,
}
