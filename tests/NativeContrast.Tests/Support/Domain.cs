namespace NativeContrast.Tests.Support;

/// <summary>Where an op case draws its random inputs: anywhere, or strictly positive (log, sqrt, divisors).</summary>
public enum Domain
{
    Normal,
    Positive,
}
