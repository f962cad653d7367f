namespace NativeContrast.Kernels;

/// <summary>
/// A lane's A fragment for one TF32 mma: the four TF32 values (Hi) and, for <see cref="SplitTf32Operands"/>, the TF32
/// rounding of what each leaves over (Lo); <see cref="Tf32Operands"/> leaves Lo at zero and never reads it.
/// </summary>
public struct Tf32Fragment
{
    /// <summary>The fragment's four TF32 registers, and (split operands) the four of the remainders.</summary>
    public uint Hi0, Hi1, Hi2, Hi3, Lo0, Lo1, Lo2, Lo3;
}
