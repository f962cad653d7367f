using NativeContrast.Data;
using NativeContrast.Losses;

namespace NativeContrast.Training;

/// <summary>
/// What a <see cref="ContrastiveMethod"/> sees of one training step: the projections of all ranks' views [2n, P]
/// in the order of the whole batch (view 1 of every image, then view 2), this rank's shard of the views as
/// images, the batch (labels), and the temperature: a learned one, or the config's τ.
/// </summary>
internal sealed record MethodBatch(Tensor Projections, Tensor LocalViews, Batch Batch, LearnableTemperature? LearnedTemperature, double Temperature);
