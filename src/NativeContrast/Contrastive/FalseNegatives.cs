using System.Text.Json.Serialization;

namespace NativeContrast.Losses;

/// <summary>
/// What NT-Xent does with the negatives that may share the anchor's class: with some labels known (−1 = unknown), for an
/// anchor i with label y_i ≥ 0, its same-class rows k ∉ {i, p(i)} with y_k = y_i; without labels, its most similar negatives.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<FalseNegatives>))]
public enum FalseNegatives
{
    /// <summary>Plain NT-Xent: every row but i and p(i) is a negative.</summary>
    [JsonStringEnumMemberName("keep")] Keep,

    /// <summary>Same-class rows leave the anchor's denominator: L_i = −ln(e^S_ip / (e^S_ip + Σ_{k other class or unknown} e^S_ik)).</summary>
    [JsonStringEnumMemberName("drop")] Drop,

    /// <summary>Same-class rows become positives too (SupCon over the known labels): L_i = −(1/|P_i|) Σ_{q∈P_i} ln softmax_{k≠i}(S_i·)_q, P_i = {p(i)} ∪ same class.</summary>
    [JsonStringEnumMemberName("attract")] Attract,

    /// <summary>
    /// No labels: each anchor's K most similar negatives leave its denominator, the likeliest false negatives
    /// (<see cref="NtXentLoss.ForwardDropTop"/>).
    /// </summary>
    [JsonStringEnumMemberName("drop-top")] DropTop,
}
