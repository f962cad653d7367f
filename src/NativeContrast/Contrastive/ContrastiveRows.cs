namespace NativeContrast.Backends;

/// <summary>
/// One set's rows as the fused loss passes read them (softmax-contrastive, triplet mining, pair distances): <see cref="Values"/> [rows, D], each row
/// multiplied on load by <see cref="Scale"/>[row] when that is given. A normalizing loss passes
/// 1/max(‖x‖, ε) there, so the passes see y = x/‖x‖ without y being stored.
/// </summary>
internal readonly record struct ContrastiveRows(BufferSlice Values, BufferSlice? Scale);
