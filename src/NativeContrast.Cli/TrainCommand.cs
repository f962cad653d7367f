using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NativeContrast.Data;
using NativeContrast.Distributed;
using NativeContrast.Evaluation;
using NativeContrast.IO;
using NativeContrast.Training;

namespace NativeContrast.Cli;

/// <summary>
/// <c>nativecontrast train</c>: trains an encoder (SimCLR by default, on Fashion-MNIST, on the best
/// device), writes a run folder, evaluates it and prints a summary. Ctrl-C stops after the current
/// step and writes a checkpoint; <c>--resume DIR</c> continues. Under <c>mpirun</c> it trains
/// data-parallel (see <see cref="Trainer"/>); rank 0 writes, evaluates and prints, and a rank that fails
/// ends the whole job with its error.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var method = NamedOption<TrainingMethod>("--method", "The objective", TrainingMethod.SimClr);
        var encoder = NamedOption<EncoderKind>("--encoder", "The encoder", EncoderKind.SmallCnn);
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist, or a folder of images (one sub-folder per class, or unlabelled).", DefaultValueFactory = _ => "fashion-mnist" };
        var labels = NamedOption<FolderLabels>("--labels", "A folder dataset's labels (auto: class folders when every image sits in one)", FolderLabels.Auto);
        var imageSize = new Option<int?>("--image-size") { Description = "A folder's images resized to this many pixels a side (default 64; Fashion-MNIST is 28; ResNet-18 takes torchvision's stem from 96)." };
        var poolingGrid = new Option<int?>("--pooling-grid") { Description = "The small CNN's last map averaged over a g×g grid: 2 (default, 512 features) or 1 (global pooling, 128)." };
        var cacheMb = new Option<int>("--cache-mb") { Description = "A folder's decoded images kept in memory, in MiB; the others are decoded again when read, so memory stays flat whatever the folder's size.", DefaultValueFactory = _ => (int)(ImageFolder.DefaultCacheBytes >> 20) };
        var channels = new Option<int?>("--channels") { Description = "A folder's images as 1 (grey) or 3 (RGB, default) channels." };
        var data = new Option<string?>("--data") { Description = "Folder holding the Fashion-MNIST files (else $NATIVECONTRAST_DATA, the user cache, /usr/share/datasets/fashion-mnist, or a download)." };
        var optimizer = new Option<string?>("--optimizer") { Description = $"{string.Join(" | ", Names.All<OptimizerKind>())} (default: the method's)." };
        optimizer.AcceptOnlyFromAmong([.. Names.All<OptimizerKind>()]);
        var lr = new Option<double?>("--lr") { Description = "Base learning rate (default: the method's, × batch/256)." };
        var batch = new Option<int>("--batch-size") { Description = "Images per step (each seen as 2 views).", DefaultValueFactory = _ => 256 };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => Defaults.Epochs };
        var temperature = new Option<double?>("--temperature") { Description = "τ (default: the method's)." };
        var learnTemperature = new Option<bool>("--learn-temperature") { Description = "Learn τ (log-parametrized, 1/τ ≤ 100)." };
        var loss = NamedOption<SimClrLoss>("--loss", "SimCLR's loss (false and hard negatives: see the README)", SimClrLoss.NtXent);
        var tauPlus = new Option<double>("--tau-plus") { Description = "debiased, hcl: class prior τ⁺ in [0, 1), the expected share of same-class negatives.", DefaultValueFactory = _ => 0.1 };
        var beta = new Option<double>("--beta") { Description = "hcl: concentration β ≥ 0 on hard negatives.", DefaultValueFactory = _ => 1.0 };
        var falseNegatives = NamedOption<Losses.FalseNegatives>("--false-negatives",
            "SimCLR with NT-Xent: drop or attract the same-class negatives among the labels shown to the loss (--label-fraction), or drop each anchor's --top-k most similar negatives without labels (drop-top)", Losses.FalseNegatives.Keep);
        var topK = new Option<int>("--top-k") { Description = "--false-negatives drop-top: how many of each anchor's most similar negatives leave its denominator (1–32).", DefaultValueFactory = _ => 8 };
        var labelFraction = new Option<double>("--label-fraction") { Description = "The share of training images whose label the loss is shown (for --false-negatives); 0 = none.", DefaultValueFactory = _ => 0.0 };
        var margin = new Option<double>("--margin") { Description = "Triplet margin.", DefaultValueFactory = _ => 0.2 };
        var mining = NamedOption<Losses.TripletMining>("--mining", "Triplet mining", Losses.TripletMining.Hard);
        var queue = new Option<int>("--queue-size") { Description = "MoCo queue of negatives.", DefaultValueFactory = _ => 4096 };
        var cropScale = new Option<double?>("--crop-scale") { Description = "Smallest fraction of the image area a random crop keeps (default on 28×28 grayscale: 0.4 simclr, 0.5 supcon, 0.2 otherwise; 0.08 on larger images)." };
        var device = new Option<string>("--device") { Description = "auto (cuda, opencl, cpu), cpu, ilgpu-cpu, cuda[:N], opencl[:N].", DefaultValueFactory = _ => "auto" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var subset = new Option<int>("--subset") { Description = "Train on the first N images only (quick runs); 0 = all.", DefaultValueFactory = _ => 0 };
        var outFolder = new Option<string?>("--out") { Description = "Run folder (default runs/<method>-<time>)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder from its checkpoint, as its config.json defines it (only --device, --data, --no-eval and --cache-mb may be given with it)." };
        var noEval = new Option<bool>("--no-eval") { Description = "Skip the evaluation after training." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the run in the --out folder (without it, a folder that holds a run is refused)." };
        var syncBn = new Option<bool>("--sync-bn") { Description = "Under mpirun: batch-norm statistics over all ranks' images (default: each rank's own)." };
        var command = new Command("train", "Train an encoder with a contrastive objective, then evaluate it.");
        foreach (var o in new Option[] { method, encoder, dataset, labels, imageSize, channels, data, optimizer, lr, batch, epochs, temperature, learnTemperature, loss, tauPlus, beta, falseNegatives, topK, labelFraction, margin, mining, queue, cropScale, device, seed, subset, outFolder, resume, noEval, overwrite, syncBn, cacheMb, poolingGrid })
            command.Options.Add(o);
        command.SetAction(parse =>
        {
            using var communicator = Communicator.FromEnvironment();
            return DistributedGuard.Run(communicator, error, () => Execute(parse, communicator));
        });
        return command;

        int Execute(ParseResult parse, Communicator communicator)
        {
            if (communicator.IsDistributed)
            {
                CpuDevice.Threads = Math.Max(1, Environment.ProcessorCount / communicator.LocalSize);
                if (!communicator.IsRoot) output = TextWriter.Null;
            }
            TrainingConfig config;
            string runFolder;
            var resumeFolder = parse.GetValue(resume);
            if (resumeFolder is not null)
            {
                // The run's config.json defines what is trained; only where it runs and where its data lies may change.
                Option[] allowed = [resume, device, data, noEval, cacheMb];
                var fixedByRun = command.Options.Where(o => !allowed.Contains(o) && parse.GetResult(o) is { Implicit: false })
                    .Select(o => o.Name)
                    .ToList();
                if (fixedByRun.Count > 0)
                    throw new ArgumentException($"--resume continues the run as its config.json defines it, so {string.Join(", ", fixedByRun)} cannot be given with it " +
                        "(only --device, --data, --no-eval and --cache-mb can); to train with other settings, start a new run.");
                runFolder = resumeFolder;
                config = Trainer.ReadConfig(runFolder);
                if (parse.GetResult(device) is { Implicit: false }) config = config with { Device = parse.GetValue(device)! };
                if (parse.GetValue(data) is { } dataFolder) config = config with { DataFolder = dataFolder };
            }
            else
            {
                var m = Names.Parse<TrainingMethod>(parse.GetValue(method)!, "method");
                config = new TrainingConfig
                {
                    Method = m,
                    Encoder = Names.Parse<EncoderKind>(parse.GetValue(encoder)!, "encoder"),
                    Dataset = parse.GetValue(dataset)!,
                    DataFolder = parse.GetValue(data),
                    Labels = Names.Parse<FolderLabels>(parse.GetValue(labels)!, "labels"),
                    // 64 for folders unless given (config.json records it, so the run never depends on this default).
                    ImageSize = parse.GetValue(imageSize) ?? (parse.GetValue(dataset) == "fashion-mnist" ? null : 64),
                    Channels = parse.GetValue(channels),
                    Optimizer = parse.GetValue(optimizer) is { } o ? Names.Parse<OptimizerKind>(o, "optimizer") : Defaults.Optimizer(m),
                    LearningRate = parse.GetValue(lr),
                    BatchSize = parse.GetValue(batch),
                    Epochs = parse.GetValue(epochs),
                    Temperature = parse.GetValue(temperature) ?? Defaults.Temperature(m),
                    LearnTemperature = parse.GetValue(learnTemperature),
                    Loss = Names.Parse<SimClrLoss>(parse.GetValue(loss)!, "loss"),
                    TauPlus = parse.GetValue(tauPlus),
                    Beta = parse.GetValue(beta),
                    FalseNegatives = Names.Parse<Losses.FalseNegatives>(parse.GetValue(falseNegatives)!, "false-negatives"),
                    TopK = parse.GetValue(topK),
                    LabelFraction = parse.GetValue(labelFraction),
                    Margin = parse.GetValue(margin),
                    Mining = Names.Parse<Losses.TripletMining>(parse.GetValue(mining)!, "mining"),
                    QueueSize = parse.GetValue(queue),
                    CropMinScale = parse.GetValue(cropScale),
                    Device = parse.GetValue(device)!,
                    Seed = parse.GetValue(seed),
                    Subset = parse.GetValue(subset),
                    SyncBatchNorm = parse.GetValue(syncBn),
                    PoolingGrid = parse.GetValue(poolingGrid),
                };
                config.Validate();
                runFolder = parse.GetValue(outFolder) is { } chosen
                    ? CheckOutFolder(chosen, parse.GetValue(overwrite))
                    : FreshFolder(Path.Combine("runs", $"{Names.Of(m)}-{DateTime.Now:yyyyMMdd-HHmmss}"));
            }
            using var ctrlC = new CtrlC(error, "stopping after this step (Ctrl-C again to abort)…");
            if (parse.GetValue(cacheMb) < 0) throw new ArgumentException($"--cache-mb cannot be negative; got {parse.GetValue(cacheMb)}.");
            return Run(config, runFolder, resumeFolder is not null, !parse.GetValue(noEval), output, error, ctrlC.Token, communicator,
                (long)parse.GetValue(cacheMb) << 20);
        }
    }

    /// <summary>The means over the last epoch's rows of log.csv of the named columns it has.</summary>
    private static IEnumerable<(string Column, double Mean)> LastEpochMeans(string runFolder, int epochs, params string[] columns)
    {
        var lines = File.ReadLines(Path.Combine(runFolder, "log.csv")).ToList();
        if (lines.Count < 2) yield break;
        var header = lines[0].Split(',');
        var last = lines.Skip(1).Select(l => l.Split(',')).Where(r => r[0] == epochs.ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (var column in columns)
        {
            int at = Array.IndexOf(header, column);
            if (at < 0) continue;
            var values = last.Where(r => r.Length > at).Select(r => double.Parse(r[at], CultureInfo.InvariantCulture)).Where(double.IsFinite).ToList();
            if (values.Count > 0) yield return (column, values.Average());
        }
    }

    /// <summary>The files a run writes into its folder; any of them marks the folder as holding a run.</summary>
    internal static readonly string[] RunFiles = ["config.json", Checkpoint.FileName, "log.csv", "metrics.json", "loss.png", "negatives.png", "embeddings.png", "neighbours.png"];

    /// <summary>
    /// The folder <c>--out</c> names, if a new run may be written there: not a file, and not a folder that holds a run
    /// unless <paramref name="overwrite"/> (then that run's files are deleted first; nothing else in the folder is touched).
    /// </summary>
    internal static string CheckOutFolder(string folder, bool overwrite)
    {
        if (File.Exists(folder)) throw new ArgumentException($"--out '{folder}' is a file; name a folder for the run.");
        var existing = RunFiles.Where(f => File.Exists(Path.Combine(folder, f))).ToList();
        if (existing.Count == 0) return folder;
        if (!overwrite)
            throw new ArgumentException($"--out '{folder}' already holds a run ({string.Join(", ", existing)}); continue it with --resume {folder}, " +
                "choose another folder, or add --overwrite to replace it.");
        foreach (var f in existing) File.Delete(Path.Combine(folder, f));
        return folder;
    }

    /// <summary><paramref name="folder"/>, or the same name with -2, -3, … when a folder of that name exists (two runs started in one second).</summary>
    private static string FreshFolder(string folder)
    {
        string candidate = folder;
        for (int i = 2; Directory.Exists(candidate) || File.Exists(candidate); i++) candidate = $"{folder}-{i}";
        return candidate;
    }

    /// <summary>An option whose values are the names of <typeparamref name="T"/> (<see cref="Names"/>: declared once, on the enum).</summary>
    private static Option<string> NamedOption<T>(string name, string description, T fallback) where T : struct, Enum
    {
        var option = new Option<string>(name) { Description = $"{description}: {string.Join(" | ", Names.All<T>())}.", DefaultValueFactory = _ => Names.Of(fallback) };
        option.AcceptOnlyFromAmong([.. Names.All<T>()]);
        return option;
    }

    internal static int Run(TrainingConfig config, string runFolder, bool resume, bool evaluate, TextWriter output, TextWriter error, CancellationToken cancel,
        Communicator? communicator = null, long cacheBytes = ImageFolder.DefaultCacheBytes)
    {
        communicator ??= new SingleProcessCommunicator();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var device = Device.Create(communicator.IsDistributed ? DeviceCatalog.ForLocalRank(config.Device, communicator.LocalRank) : config.Device, output);
        var (train, test) = TrainingData.Load(config, output, cacheBytes);
        cancel.ThrowIfCancellationRequested();
        if (!resume)
        {
            // Written once the images are known: the default crop depends on them, and config.json records the one
            // taken, so the run does not depend on the code's defaults.
            config = config with
            {
                CropMinScale = config.CropMinScale ?? Defaults.CropMinScale(config.Method, train.Height, train.Channels),
                PoolingGrid = config.EffectivePoolingGrid,
            };
            if (communicator.IsRoot) Trainer.WriteConfig(runFolder, config);
        }
        using var trainer = new Trainer(config, device, train, communicator);
        int startEpoch = 0, startBatch = 0;
        // A process killed while writing a file leaves its temporary (AtomicFile names them NAME.tmp-PID-GUID); never the file itself.
        if (resume) foreach (var leftover in Directory.GetFiles(runFolder, "*.tmp-*")) File.Delete(leftover);
        if (resume && !File.Exists(Path.Combine(runFolder, Checkpoint.FileName)))
        {
            // Stopped (or killed) before its first checkpoint: the run starts again from its config.
            output.WriteLine($"{runFolder} has no checkpoint yet: training it from the first step");
            resume = false;
        }
        if (resume)
        {
            var checkpoint = Checkpoint.Load(Path.Combine(runFolder, Checkpoint.FileName), device);
            try
            {
                trainer.Restore(checkpoint);
                (startEpoch, startBatch) = (checkpoint.Epoch, checkpoint.Batch);
            }
            finally
            {
                foreach (var t in checkpoint.Tensors.Values) t.Dispose();
            }
            if (startEpoch < config.Epochs) output.WriteLine($"resuming {runFolder} at epoch {startEpoch + 1}, step {startBatch + 1}");
        }
        bool nothingLeft = startEpoch >= config.Epochs;
        if (nothingLeft)
        {
            output.WriteLine($"{runFolder} has finished all its epochs ({config.Epochs}): nothing left to train{(evaluate ? "; evaluating its checkpoint" : "")}");
            // Its metrics.json is of this same checkpoint: kept as it is.
            if (!evaluate) return 0;
        }
        // A live progress line only when the output is this process's own terminal (under mpirun the
        // ranks' output goes through mpirun, which gives them a pseudo-terminal even when it writes to a pipe).
        bool live = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && !communicator.IsDistributed;
        bool finished = nothingLeft || trainer.Train(runFolder, output, cancel, startEpoch, startBatch, live);
        if (!finished) return 130;
        if (!communicator.IsRoot) return 0;
        var summary = new Dictionary<string, object>
        {
            ["method"] = Names.Of(config.Method),
            ["encoder"] = Names.Of(config.Encoder),
            ["device"] = device.Name,
            ["epochs"] = config.Epochs,
            ["ranks"] = communicator.Size,
            ["train_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        if (config.Method == TrainingMethod.SimClr)
        {
            summary["loss"] = Names.Of(config.Loss);
            if (config.FalseNegatives != Losses.FalseNegatives.Keep)
            {
                summary["false_negatives"] = Names.Of(config.FalseNegatives);
                if (config.FalseNegatives == Losses.FalseNegatives.DropTop) summary["top_k"] = config.TopK;
                else summary["label_fraction"] = config.LabelFraction;
            }
            foreach (var (column, mean) in LastEpochMeans(runFolder, config.Epochs, "same_class_negative_share", "same_class_negative_similarity", "other_negative_similarity",
                "drop_top_precision"))
                summary["last_epoch_" + column] = Math.Round(mean, 4);
        }
        // Training is over and its checkpoint written: Ctrl-C from here on stops at the next batch of plotting or evaluation.
        RunPlots.Loss(runFolder);
        RunPlots.Negatives(runFolder);
        EvaluationReport? evaluation = null;
        if (evaluate)
        {
            var report = evaluation = Evaluator.Run(trainer.Encoder, train, test, device, output, cancel, Trainer.Augmentation(config, test));
            EvalCommand.AddReport(summary, report);
            cancel.ThrowIfCancellationRequested();
            RunPlots.Embeddings(runFolder, trainer.Encoder, test, device);
            RunPlots.Neighbours(runFolder, trainer.Encoder, train, test, device, config.Seed, cancel);
        }
        cancel.ThrowIfCancellationRequested();
        AtomicFile.WriteAllText(Path.Combine(runFolder, "metrics.json"), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
        output.WriteLine();
        output.WriteLine($"run folder: {runFolder}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{config.Objective} / {Names.Of(config.Encoder)} on {device.Name}, {config.Epochs} epoch{(config.Epochs == 1 ? "" : "s")}, {clock.Elapsed.TotalMinutes:F1} min in all{PeakMemory.Describe()}"));
        if (summary.TryGetValue("knn_top20", out var k20) && evaluation is not null)
            output.WriteLine(EvalCommand.TrainSummary(evaluation));
        if (!summary.ContainsKey("knn_top20") && summary.TryGetValue("view_retrieval_top1", out var top1))
            output.WriteLine(EvalCommand.OwnViewSummary((double)top1, (double)summary["view_retrieval_top5"], (double)summary["alignment"], (double)summary["uniformity"]));
        if (summary.TryGetValue("raw_pixels_knn_top20", out var rawKnn))
            output.WriteLine(EvalCommand.AgainstRawPixels((double)k20!, (double)rawKnn, (double)summary["linear_probe"], (double)summary["raw_pixels_linear_probe"]));
        return 0;
    }
}
