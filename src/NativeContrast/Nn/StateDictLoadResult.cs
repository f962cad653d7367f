namespace NativeContrast.Nn;

/// <summary>What <see cref="Module.LoadStateDict"/> did not match: the module's names the state lacked, and the state's names the module does not have.</summary>
/// <param name="MissingKeys">The module's parameters and buffers that kept their values.</param>
/// <param name="UnexpectedKeys">Names in the state that were not loaded.</param>
public sealed record StateDictLoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys)
{
    /// <summary>True when every name matched both ways.</summary>
    public bool IsComplete => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0;

    /// <summary>"missing [a, b], unexpected [c]" (the first eight of each).</summary>
    public override string ToString() =>
        $"missing [{string.Join(", ", MissingKeys.Take(8))}{(MissingKeys.Count > 8 ? ", …" : "")}], unexpected [{string.Join(", ", UnexpectedKeys.Take(8))}{(UnexpectedKeys.Count > 8 ? ", …" : "")}]";
}
