namespace NativeContrast.Backends;

/// <summary>A contiguous run of elements inside a <see cref="DeviceBuffer"/>: what backends compute on.</summary>
internal readonly record struct BufferSlice(DeviceBuffer Buffer, int Offset, int Length);
