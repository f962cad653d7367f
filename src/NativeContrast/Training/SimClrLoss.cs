using System.Text.Json.Serialization;

namespace NativeContrast.Training;

/// <summary>The loss SimCLR trains with over its two views per image (see the README's "False negatives and hard negatives").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SimClrLoss>))]
public enum SimClrLoss
{
    /// <summary>NT-Xent (Chen et al. 2020): every other row is a negative.</summary>
    [JsonStringEnumMemberName("ntxent")] NtXent,

    /// <summary>Debiased (Chuang et al. 2020): the expected same-class share τ⁺ of the negatives is subtracted.</summary>
    [JsonStringEnumMemberName("debiased")] Debiased,

    /// <summary>HCL (Robinson et al. 2021): debiased, with negatives weighted by exp(β·S) (harder ones count more).</summary>
    [JsonStringEnumMemberName("hcl")] Hcl,

    /// <summary>DCL (Yeh et al. 2022): NT-Xent with the positive out of its own denominator.</summary>
    [JsonStringEnumMemberName("dcl")] Dcl,
}
