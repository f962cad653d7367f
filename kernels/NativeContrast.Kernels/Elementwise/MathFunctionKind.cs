namespace NativeContrast.Kernels.Ops;

/// <summary>Which standard function a <see cref="MathFunction"/> applies.</summary>
public enum MathFunctionKind
{
    /// <summary>y = |x|</summary>
    Abs,
    /// <summary>y = eˣ</summary>
    Exp,
    /// <summary>y = ln x (NaN for x &lt; 0, −∞ at 0, as IEEE says)</summary>
    Log,
    /// <summary>y = √x</summary>
    Sqrt,
}
