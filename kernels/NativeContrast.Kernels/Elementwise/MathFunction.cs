using System.Runtime.Intrinsics;

namespace NativeContrast.Kernels.Ops;

/// <summary>
/// The standard functions that are one library call in every precision (|x|, eˣ, ln x, √x), as one struct whose
/// <see cref="Kind"/> picks the call: one ILGPU kernel and one SIMD loop serve all four. The choice is the same for
/// every element of a launch, so on a GPU the branch is uniform across a warp, and on the CPU it is predicted; these
/// passes are bound by memory, not by the branch. Each method is a table, one arm per kind, in
/// <see cref="MathFunctionKind"/>'s order.
/// </summary>
public readonly struct MathFunction : IUnaryFunction
{
    /// <summary>A function of the given kind.</summary>
    public MathFunction(MathFunctionKind kind) => Kind = kind;

    /// <summary>Which function this applies.</summary>
    public MathFunctionKind Kind { get; }

    /// <summary>y = |x|</summary>
    public static MathFunction Abs => new(MathFunctionKind.Abs);
    /// <summary>y = eˣ</summary>
    public static MathFunction Exp => new(MathFunctionKind.Exp);
    /// <summary>y = ln x</summary>
    public static MathFunction Log => new(MathFunctionKind.Log);
    /// <summary>y = √x</summary>
    public static MathFunction Sqrt => new(MathFunctionKind.Sqrt);

    /// <inheritdoc/>
    public float Apply(float x) => Kind switch
    {
        MathFunctionKind.Abs => MathF.Abs(x), MathFunctionKind.Exp => MathF.Exp(x), MathFunctionKind.Log => MathF.Log(x), _ => MathF.Sqrt(x),
    };

    /// <inheritdoc/>
    public double Apply(double x) => Kind switch
    {
        MathFunctionKind.Abs => Math.Abs(x), MathFunctionKind.Exp => Math.Exp(x), MathFunctionKind.Log => Math.Log(x), _ => Math.Sqrt(x),
    };

    /// <inheritdoc/>
    public Vector256<float> Apply(Vector256<float> x) => Kind switch
    {
        MathFunctionKind.Abs => Vector256.Abs(x), MathFunctionKind.Exp => Vector256.Exp(x), MathFunctionKind.Log => Vector256.Log(x), _ => Vector256.Sqrt(x),
    };
}
