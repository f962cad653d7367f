namespace NativeContrast.Kernels;

/// <summary>Four flags kept in registers (one per column of a thread's micro-tile row).</summary>
public struct Bool4
{
    /// <summary>The four lanes.</summary>
    public bool X, Y, Z, W;

    /// <summary>Four lanes from their values.</summary>
    public Bool4(bool x, bool y, bool z, bool w)
    {
        X = x;
        Y = y;
        Z = z;
        W = w;
    }
}
