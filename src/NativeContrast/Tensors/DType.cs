namespace NativeContrast;

/// <summary>Element type of a tensor. Float64 exists on <c>cpu</c> for gradient checks; Int32 holds indices and labels.</summary>
public enum DType
{
    /// <summary>32-bit floating point (every device).</summary>
    Float32,
    /// <summary>64-bit floating point (the <c>cpu</c> device; gradient checks).</summary>
    Float64,
    /// <summary>32-bit integers (indices, labels).</summary>
    Int32,
}
