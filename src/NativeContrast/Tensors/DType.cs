namespace NativeContrast;

/// <summary>Element type of a tensor. Float64 exists on <c>cpu</c> for gradient checks; Int32 holds indices and labels.</summary>
public enum DType
{
    Float32,
    Float64,
    Int32,
}
