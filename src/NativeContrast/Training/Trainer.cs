using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NativeContrast.Augmentation;
using NativeContrast.Data;
using NativeContrast.Distributed;
using NativeContrast.Losses;
using NativeContrast.Nn;
using NativeContrast.Optim;

namespace NativeContrast.Training;

/// <summary>
/// Trains an encoder with SimCLR, SupCon, triplet or MoCo on two augmented views of each image, writing
/// into a run folder: <c>config.json</c>, <c>checkpoint.safetensors</c> (after every epoch, and when
/// cancelled, written atomically), and <c>log.csv</c> (one row per step). Resuming continues from the
/// checkpoint's position; on <c>cpu</c> a resumed run ends with the same weights as an uninterrupted
/// one, because every random choice derives from the seed and the position in training.
/// <para>
/// With a distributed <see cref="Communicator"/> (<c>mpirun</c>), training is data-parallel: every rank
/// loads and augments the same whole batch, encodes its shard of it, and computes the loss on the
/// embeddings of all ranks (global negatives); gradients are averaged over the ranks. With
/// <see cref="TrainingConfig.SyncBatchNorm"/> this equals single-process training on the whole batch.
/// Only rank 0 writes the run folder and the progress lines.
/// </para>
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly TrainingConfig config;
    private readonly Device device;
    private readonly ImageDataset data;
    private readonly Module encoder;
    private readonly ProjectionHead head;
    private readonly ContrastiveMethod method;
    private readonly LearnableTemperature? learnedTemperature;
    private readonly Optimizer optimizer;
    private readonly WarmupCosineSchedule schedule;
    private readonly DataLoader loader;
    private readonly AugmentationPipeline augmentation;
    private readonly Communicator communicator;

    /// <summary>A trainer for <paramref name="config"/> on <paramref name="device"/> over <paramref name="data"/>; with a distributed <paramref name="communicator"/>, each rank takes its share of every batch and gradients are averaged.</summary>
    public Trainer(TrainingConfig config, Device device, ImageDataset data, Communicator? communicator = null)
    {
        config.Validate();
        this.config = config;
        this.device = device;
        this.data = data;
        this.communicator = communicator ?? new SingleProcessCommunicator();
        DataParallel.ShardSize(Math.Min(config.BatchSize, data.Count), this.communicator);
        encoder = TrainingModels.Encoder(config, data.Channels, device);
        head = TrainingModels.Head(config, device);
        var parameters = encoder.NamedParameters().Select(p => ("encoder." + p.Name, p.Parameter))
            .Concat(head.NamedParameters().Select(p => ("head." + p.Name, p.Parameter))).ToList();
        if (config.LearnTemperature)
        {
            learnedTemperature = new LearnableTemperature(config.Temperature, device);
            parameters.Add(("temperature.log_inverse", learnedTemperature.LogInverseTemperature));
        }
        method = TrainingMethods.Create(config, data.Channels, device, encoder, head, this.communicator);
        optimizer = config.Optimizer switch
        {
            OptimizerKind.Sgd => new Sgd(parameters, config.EffectiveLearningRate, momentum: 0.9, weightDecay: config.WeightDecay),
            OptimizerKind.AdamW => new AdamW(parameters, config.EffectiveLearningRate, weightDecay: config.WeightDecay),
            _ => new Lars(parameters, config.EffectiveLearningRate, momentum: 0.9, weightDecay: config.WeightDecay,
                exclude: (name, p) => p.Rank <= 1 || name.StartsWith("temperature", StringComparison.Ordinal)),
        };
        IBatchSampler sampler = new RandomBatchSampler(data.Count, Math.Min(config.BatchSize, data.Count), shuffle: true, dropLast: true, seed: config.Seed);
        loader = new DataLoader(data, sampler, device, config.Seed);
        int totalSteps = loader.BatchesPerEpoch * config.Epochs;
        schedule = new WarmupCosineSchedule(config.EffectiveLearningRate, (int)(totalSteps * config.WarmupFraction), totalSteps);
        augmentation = Augmentation(config, data);
        if (this.communicator.IsDistributed)
        {
            var state = parameters.Select(p => p.Item2).Concat(encoder.NamedBuffers().Select(b => b.Buffer)).Concat(head.NamedBuffers().Select(b => b.Buffer));
            DataParallel.Broadcast(state.Concat(method.SharedState), this.communicator);
            method.AfterBroadcast();
            if (config.SyncBatchNorm)
            {
                DataParallel.SynchronizeBatchNorm(encoder, this.communicator);
                DataParallel.SynchronizeBatchNorm(head, this.communicator);
            }
        }
    }

    /// <summary>The encoder being trained.</summary>
    public Module Encoder => encoder;

    /// <summary>The projection head being trained.</summary>
    public ProjectionHead Head => head;

    /// <summary>Optimizer steps per epoch.</summary>
    public int StepsPerEpoch => loader.BatchesPerEpoch;

    /// <summary>
    /// The loss of one batch of views [2n, ...] with labels [n]. This rank encodes its shard of the views;
    /// the loss sees the embeddings of all ranks in the order of the whole batch.
    /// </summary>
    private (Tensor Loss, Tensor Projections) Loss(Tensor views, Batch batch)
    {
        var localViews = DataParallel.ShardViews(views, 2, communicator);
        var z = head.Forward(encoder.Forward(localViews)).AllGatherViews(2, communicator);
        return (method.Loss(new MethodBatch(z, localViews, batch, learnedTemperature, config.Temperature)), z);
    }

    private static string NegativeColumns(NegativeStatistics? s) =>
        s is { } n ? FormattableString.Invariant($",{n.SameClassShare:G4},{n.SameClassSimilarity:G4},{n.OtherSimilarity:G4}") : "";

    /// <summary>SimCLR runs log the false-negative picture of each batch (<see cref="NegativeStatistics"/>).</summary>
    private bool LogsNegatives => config.Method == TrainingMethod.SimClr && data.IsLabelled;

    /// <summary>
    /// Trains from <paramref name="startEpoch"/>/<paramref name="startBatch"/> to the end (or until cancelled),
    /// checkpointing into <paramref name="runFolder"/>. Returns whether it finished. With
    /// <paramref name="liveProgress"/> (a terminal) the progress is one line updated in place; otherwise
    /// plain lines (see <see cref="ProgressDisplay"/>).
    /// </summary>
    /// <param name="runFolder">Where the checkpoint and log.csv go.</param>
    /// <param name="log">Progress lines (the command's output).</param>
    /// <param name="cancel">Stops after the current step, with a checkpoint of where it stopped.</param>
    /// <param name="startEpoch">The epoch to start at (resume).</param>
    /// <param name="startBatch">The step within it to start at (resume).</param>
    /// <param name="liveProgress">One progress line updated in place (a terminal) instead of plain lines.</param>
    /// <param name="progress">Told after every step where the run stands (for an application's own progress bar).</param>
    public bool Train(string runFolder, TextWriter log, CancellationToken cancel = default, int startEpoch = 0, int startBatch = 0, bool liveProgress = false,
        IProgress<TrainingProgress>? progress = null)
    {
        bool writes = communicator.IsRoot;
        if (!writes) log = TextWriter.Null;
        var display = new ProgressDisplay(log, liveProgress && writes);
        var csvPath = Path.Combine(runFolder, "log.csv");
        if (writes)
        {
            Directory.CreateDirectory(runFolder);
            if (startEpoch == 0 && startBatch == 0)
                File.WriteAllText(csvPath, "epoch,step,loss,learning_rate,temperature,images_per_second" +
                    (LogsNegatives ? ",same_class_negative_share,same_class_negative_similarity,other_negative_similarity" : "") +
                    (LogsNegatives && config.FalseNegatives == Losses.FalseNegatives.DropTop ? ",drop_top_precision" : "") + "\n");
            else KeepLogUpTo(csvPath, startEpoch * loader.BatchesPerEpoch + startBatch);
        }
        // A run resumed from a log.csv written before these columns existed keeps its columns.
        var csvHeader = writes ? File.ReadLines(csvPath).FirstOrDefault() ?? "" : "";
        bool logNegatives = writes && LogsNegatives && csvHeader.Contains("same_class_negative_share", StringComparison.Ordinal);
        bool logDropTop = logNegatives && csvHeader.Contains("drop_top_precision", StringComparison.Ordinal);
        int perEpoch = loader.BatchesPerEpoch;
        var run = Stopwatch.StartNew();
        int stepsDone = 0, stepsTotal = perEpoch * config.Epochs - (startEpoch * perEpoch + startBatch);
        log.WriteLine($"training {config.Objective} / {Names.Of(config.Encoder)} on {data.Count} images ({data.Channels}×{data.Height}×{data.Width}), device {device.Name}: " +
            $"{config.Epochs} epoch{(config.Epochs == 1 ? "" : "s")} × {perEpoch} steps of {Math.Min(config.BatchSize, data.Count)} images (×2 views), {Names.Of(config.Optimizer)} lr {config.EffectiveLearningRate:G3}, τ {config.Temperature:G3}{(config.LearnTemperature ? " (learned)" : "")}");
        if (communicator.IsDistributed)
            log.WriteLine($"data-parallel over {communicator.Size} ranks: {Math.Min(config.BatchSize, data.Count) / communicator.Size} images per rank per step, global negatives, batch norm {(config.SyncBatchNorm ? "synchronized" : "per rank")}");
        for (int epoch = startEpoch; epoch < config.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            double lossSum = 0;
            int lossCount = 0, images = 0;
            int batchNumber = 0;
            using var csv = writes ? new StreamWriter(csvPath, append: true) : StreamWriter.Null;
            var collectivesAtStart = communicator.TimeInCollectives;
            foreach (var batch in loader.Epoch(epoch))
            {
                using (batch)
                {
                    if (epoch == startEpoch && batchNumber < startBatch)
                    {
                        batchNumber++;
                        continue;
                    }
                    int step = epoch * perEpoch + batchNumber;
                    schedule.Apply(optimizer, step);
                    double value;
                    NegativeStatistics? negatives = null;
                    double dropTopPrecision = double.NaN;
                    using (var scope = TensorScope.Begin())
                    {
                        var views = augmentation.Views(batch.Images, 2, batch.Seed);
                        Tensor loss, projections;
                        try
                        {
                            (loss, projections) = Loss(views, batch);
                        }
                        catch (NonFiniteInputException e)
                        {
                            // The embeddings come from this run's own weights: they went non-finite, the run diverged.
                            throw new TrainingDivergedException($"The embeddings became non-finite at epoch {epoch + 1}, step {batchNumber + 1} ({e.Message}); " +
                                $"lower the learning rate (now {optimizer.LearningRate:G3}).");
                        }
                        var negativeSums = logNegatives ? NegativeStatistics.Sums(projections, batch.LabelValues) : null;
                        loss.Backward();
                        DataParallel.AverageGradients(optimizer.Parameters.Select(p => p.Parameter), communicator);
                        optimizer.Step();
                        optimizer.ZeroGrad();
                        method.AfterStep();
                        if (negativeSums is null)
                        {
                            value = loss.Item();
                        }
                        else
                        {
                            // One read back for the loss and the negatives' sums (on a GPU each read waits for the queued work).
                            using var noGrad = GradMode.NoGrad();
                            var values = Tensor.Concat([loss.Detach().Reshape(1), negativeSums]).ToDoubleArray();
                            value = values[0];
                            negatives = NegativeStatistics.FromSums(values.AsSpan(1), batch.LabelValues);
                        }
                        if (logDropTop && method is SimClrMethod { LastDropped: { } dropped })
                            dropTopPrecision = NegativeStatistics.DropTopPrecision(dropped.ToIntArray(), batch.LabelValues);
                    }
                    if (!double.IsFinite(value))
                        throw new TrainingDivergedException($"The loss became {value} at epoch {epoch + 1}, step {batchNumber + 1}; lower the learning rate (now {optimizer.LearningRate:G3}).");
                    lossSum += value;
                    lossCount++;
                    images += batch.Count;
                    stepsDone++;
                    batchNumber++;
                    double rate = images / epochClock.Elapsed.TotalSeconds;
                    csv.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{epoch + 1},{step + 1},{value:G6},{optimizer.LearningRate:G6},{learnedTemperature?.Temperature ?? config.Temperature:G6},{rate:F1}{NegativeColumns(negatives)}{(logDropTop ? FormattableString.Invariant($",{dropTopPrecision:G4}") : "")}"));
                    double left = run.Elapsed.TotalSeconds / stepsDone * (stepsTotal - stepsDone);
                    display.Step(epoch + 1, config.Epochs, batchNumber, perEpoch, lossSum / lossCount, rate, optimizer.LearningRate, TimeSpan.FromSeconds(left));
                    progress?.Report(new TrainingProgress(epoch + 1, config.Epochs, batchNumber, perEpoch, lossSum / lossCount, rate, optimizer.LearningRate, TimeSpan.FromSeconds(left)));
                    if (DataParallel.AnyRank(cancel.IsCancellationRequested, communicator))
                    {
                        SaveCheckpoint(runFolder, epoch, batchNumber);
                        display.Message($"stopped at epoch {epoch + 1}, step {batchNumber}: checkpoint written; continue with --resume {runFolder}");
                        return false;
                    }
                }
            }
            SaveCheckpoint(runFolder, epoch + 1, 0);
            var communication = communicator.IsDistributed
                ? string.Create(CultureInfo.InvariantCulture, $", communication {(communicator.TimeInCollectives - collectivesAtStart).TotalMilliseconds / Math.Max(1, lossCount):F1} ms/step")
                : "";
            display.Message(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch + 1}/{config.Epochs}: mean loss {lossSum / Math.Max(1, lossCount):F4}, {epochClock.Elapsed.TotalSeconds:F0} s{communication}"));
            if (data.IsStreamed && loader.LastEpoch is { } load)
                display.Message(string.Create(CultureInfo.InvariantCulture,
                    $"  loader: {load.Images} images read (decoded unless cached) at {load.ImagesPerSecond:F0} images/s of its own time; training took {images / epochClock.Elapsed.TotalSeconds:F0} images/s and waited {load.WaitTime.TotalSeconds:F1} s for batches"));
        }
        return true;
    }

    /// <summary>
    /// On resume: drops the rows of log.csv after <paramref name="steps"/> (steps a stopped or killed process took after its
    /// last checkpoint, which the resumed run takes again), so that each step has one row.
    /// </summary>
    private static void KeepLogUpTo(string csvPath, int steps)
    {
        if (!File.Exists(csvPath)) return;
        var lines = File.ReadAllLines(csvPath);
        var kept = lines.Take(1).Concat(lines.Skip(1).Where(l =>
            l.Split(',') is [_, var step, ..] && int.TryParse(step, CultureInfo.InvariantCulture, out int s) && s <= steps)).ToList();
        if (kept.Count != lines.Length) IO.AtomicFile.WriteAllText(csvPath, string.Join('\n', kept) + "\n");
    }

    /// <summary>Writes the checkpoint (rank 0 only; other ranks hold the same state).</summary>
    public void SaveCheckpoint(string runFolder, int epoch, int batch)
    {
        if (!communicator.IsRoot) return;
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, t) in encoder.StateDict()) tensors["encoder." + name] = t;
        foreach (var (name, t) in head.StateDict()) tensors["head." + name] = t;
        foreach (var (name, t) in optimizer.NamedState()) tensors["optimizer." + name] = t;
        if (learnedTemperature is not null) tensors["temperature.log_inverse"] = learnedTemperature.LogInverseTemperature;
        using var scope = TensorScope.Begin();
        method.AddToCheckpoint(tensors);
        new Checkpoint(tensors, config, epoch, batch, optimizer.StepCount).Save(Path.Combine(runFolder, Checkpoint.FileName));
    }

    /// <summary>Restores weights, optimizer state and MoCo state from a checkpoint.</summary>
    internal void Restore(Checkpoint checkpoint)
    {
        encoder.LoadStateDict(checkpoint.Section("encoder."));
        head.LoadStateDict(checkpoint.Section("head."));
        optimizer.LoadState(checkpoint.Section("optimizer."), checkpoint.OptimizerSteps);
        using var noGrad = GradMode.NoGrad();
        if (learnedTemperature is not null) learnedTemperature.LogInverseTemperature.CopyFrom(checkpoint.Tensors["temperature.log_inverse"]);
        method.Restore(checkpoint);
    }

    /// <summary>
    /// The views' augmentation: <see cref="Augmentations.Grayscale28"/> for 28×28 grayscale images, else
    /// <see cref="Augmentations.SimClr"/>; the crop keeps at least the config's fraction of the image, or
    /// the method's default (<see cref="Defaults.CropMinScale"/>).
    /// </summary>
    public static AugmentationPipeline Augmentation(TrainingConfig config, ImageDataset data)
    {
        double crop = config.CropMinScale ?? Defaults.CropMinScale(config.Method, data.Height, data.Channels);
        return Defaults.IsGrayscale28(data.Height, data.Channels) ? Augmentations.Grayscale28(crop) : Augmentations.SimClr(data.Height, minCropScale: crop);
    }

    /// <summary>Writes <paramref name="config"/> as <c>config.json</c> in <paramref name="runFolder"/> (atomically).</summary>
    public static void WriteConfig(string runFolder, TrainingConfig config)
    {
        Directory.CreateDirectory(runFolder);
        IO.AtomicFile.WriteAllText(Path.Combine(runFolder, "config.json"), JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Reads a run folder's <c>config.json</c>.</summary>
    public static TrainingConfig ReadConfig(string runFolder)
    {
        var path = Path.Combine(runFolder, "config.json");
        if (!File.Exists(path)) throw new FileNotFoundException($"'{runFolder}' is not a run folder: it has no config.json.", path);
        try
        {
            return TrainingConfig.FromJson(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid run config: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        optimizer.Dispose();
        encoder.Dispose();
        head.Dispose();
        method.Dispose();
        learnedTemperature?.Dispose();
    }
}
