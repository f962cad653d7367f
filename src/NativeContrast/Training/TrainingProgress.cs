namespace NativeContrast.Training;

/// <summary>
/// Where a training run stands after a step, as <see cref="Trainer.Train"/> reports it to an <see cref="IProgress{T}"/>:
/// the epoch and step (1-based) of how many, the epoch's mean loss so far, images per second this epoch, the learning
/// rate and the estimated time left.
/// </summary>
public sealed record TrainingProgress(int Epoch, int Epochs, int Step, int StepsPerEpoch, double MeanLoss, double ImagesPerSecond, double LearningRate, TimeSpan TimeLeft);
