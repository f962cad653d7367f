namespace NativeContrast.Data;

/// <summary>An unsigned-byte array read from an IDX file: its dimensions and its values in row-major order.</summary>
public sealed record IdxArray(int[] Dimensions, byte[] Data);
