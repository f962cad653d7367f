namespace NativeContrast.Backends;

/// <summary>
/// One direction of a softmax-contrastive pass as the <c>cpu</c> backend's passes read and write it: per anchor its
/// positive key, the weight of each of its positives, its LSE and positive logit, its loss coefficient (empty in the
/// forward) and its threshold (null without one). The CPU face of <see cref="ContrastiveSide"/>, as <see cref="Kernels.SoftmaxSide"/> is the ILGPU one: host
/// arrays from index 0, made from the buffers (and written back) by <see cref="CpuBackend"/> in one place.
/// </summary>
internal sealed record HostSide<T>(int[] Keys, T[] PositiveWeight, T[] Lse, T[] PositiveLogit, T[] Coefficient, T[]? Threshold = null) where T : unmanaged;
