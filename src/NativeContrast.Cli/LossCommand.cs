using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NativeContrast.IO;
using NativeContrast.Losses;

namespace NativeContrast.Cli;

/// <summary>
/// <c>nativecontrast loss</c>: one loss, forward and backward, on embeddings read from .npy files, so
/// any framework's implementation can be compared with this one. Prints one JSON line
/// <c>{"loss": …, "n": …, "d": …, "device": …, "ms": …}</c> (ms: forward + backward, device
/// synchronized) and writes the gradient with respect to the raw inputs as float32 .npy.
/// On <c>cpu</c> float64 input is computed in float64; elsewhere in float32.
/// </summary>
internal static class LossCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var kind = new Option<string>("--kind") { Description = string.Join(" | ", LossCatalog.Names), Required = true };
        kind.AcceptOnlyFromAmong(LossCatalog.Names.ToArray());
        var input = new Option<FileInfo>("--input") { Description = "Embeddings (queries for infonce/clip), [N, D] float32 or float64 .npy.", Required = true };
        var keys = new Option<FileInfo?>("--keys") { Description = "Keys [M, D] .npy (infonce: M ≥ N, key i is query i's positive; clip: M = N)." };
        var labels = new Option<FileInfo?>("--labels") { Description = "Labels [N] int32/int64 .npy (supcon, triplet; ntxent with --false-negatives, −1 = unknown)." };
        var positives = new Option<FileInfo?>("--positives") { Description = "Positive index per row [N] int32/int64 .npy (ntxent, infonce)." };
        var temperature = new Option<double>("--temperature") { Description = "τ for the softmax losses.", DefaultValueFactory = _ => 0.1 };
        var tauPlus = new Option<double>("--tau-plus") { Description = "debiased, hcl: the class prior τ⁺ in [0, 1), the expected share of same-class negatives.", DefaultValueFactory = _ => 0.1 };
        var beta = new Option<double>("--beta") { Description = "hcl: the concentration β ≥ 0 on hard negatives (0 = debiased).", DefaultValueFactory = _ => 1.0 };
        var falseNegatives = new Option<string>("--false-negatives")
        {
            Description = $"ntxent: {string.Join(" | ", Training.Names.All<FalseNegatives>())}; drop and attract read --labels (−1 = unknown) and handle same-class negatives, drop-top drops each row's --top-k most similar negatives without labels.",
            DefaultValueFactory = _ => Training.Names.Of(FalseNegatives.Keep),
        };
        falseNegatives.AcceptOnlyFromAmong([.. Training.Names.All<FalseNegatives>()]);
        var topK = new Option<int>("--top-k") { Description = $"ntxent --false-negatives drop-top: how many of each row's most similar negatives leave its denominator (1–{NtXentLoss.MaxTopK}, below N − 2).", DefaultValueFactory = _ => 8 };
        var margin = new Option<double>("--margin") { Description = "Triplet hinge margin.", DefaultValueFactory = _ => 0.2 };
        var mining = new Option<string>("--mining") { Description = $"Triplet mining: {string.Join(" | ", Training.Names.All<TripletMining>())}.", DefaultValueFactory = _ => "hard" };
        mining.AcceptOnlyFromAmong([.. Training.Names.All<TripletMining>()]);
        var distance = new Option<string>("--distance") { Description = "Triplet distance: euclidean | squared | cosine.", DefaultValueFactory = _ => "euclidean" };
        distance.AcceptOnlyFromAmong("euclidean", "squared", "cosine");
        var softMargin = new Option<bool>("--soft-margin") { Description = "Triplet: ln(1 + eˣ) instead of the hinge." };
        var normalize = new Option<bool>("--normalize") { Description = "L2-normalize rows inside the loss (true | false).", DefaultValueFactory = _ => true, Arity = ArgumentArity.ExactlyOne };
        var device = new Option<string>("--device") { Description = "cpu, ilgpu-cpu, cuda[:N], opencl[:N] or auto.", DefaultValueFactory = _ => "cpu" };
        var gradOut = new Option<FileInfo?>("--grad-out") { Description = "Write dLoss/dInput [N, D] here (float32 .npy)." };
        var keysGradOut = new Option<FileInfo?>("--keys-grad-out") { Description = "Write dLoss/dKeys [M, D] here (float32 .npy)." };

        var command = new Command("loss", "Compute one contrastive loss and its gradient on .npy embeddings (for comparing implementations).");
        foreach (var o in new Option[] { kind, input, keys, labels, positives, temperature, tauPlus, beta, falseNegatives, topK, margin, mining, distance, softMargin, normalize, device, gradOut, keysGradOut })
            command.Options.Add(o);
        command.SetAction(parse =>
        {
            var request = new LossRequest(
                parse.GetValue(kind)!, parse.GetValue(input)!.FullName, parse.GetValue(keys)?.FullName, parse.GetValue(labels)?.FullName,
                parse.GetValue(positives)?.FullName, parse.GetValue(temperature), parse.GetValue(tauPlus), parse.GetValue(beta), parse.GetValue(falseNegatives)!, parse.GetValue(topK), parse.GetValue(margin), parse.GetValue(mining)!,
                parse.GetValue(distance)!, parse.GetValue(softMargin), parse.GetValue(normalize), parse.GetValue(gradOut)?.FullName,
                parse.GetValue(keysGradOut)?.FullName);
            using var d = Device.Create(parse.GetValue(device)!, error);
            output.WriteLine(Run(request, d));
            return 0;
        });
        return command;
    }

    private sealed record LossRequest(string Kind, string Input, string? Keys, string? Labels, string? Positives, double Temperature, double TauPlus, double Beta, string FalseNegatives, int TopK, double Margin,
        string Mining, string Distance, bool SoftMargin, bool Normalize, string? GradOut, string? KeysGradOut);

    private static string Run(LossRequest r, Device device)
    {
        if (!(r.TauPlus >= 0 && r.TauPlus < 1)) throw new ArgumentException($"--tau-plus must be in [0, 1); got {r.TauPlus.ToString(CultureInfo.InvariantCulture)}.");
        if (!(r.Beta >= 0) || double.IsInfinity(r.Beta)) throw new ArgumentException($"--beta must be a finite number ≥ 0; got {r.Beta.ToString(CultureInfo.InvariantCulture)}.");
        var z = Embeddings(r.Input, "--input");
        var k = r.Keys is null ? null : Embeddings(r.Keys, "--keys");
        var definition = LossCatalog.Get(r.Kind);
        var handling = Training.Names.Parse<FalseNegatives>(r.FalseNegatives, "false-negatives");
        if (handling == FalseNegatives.DropTop && (r.Kind != "ntxent" || r.Labels is not null))
            throw new ArgumentException("--false-negatives drop-top goes with --kind ntxent and no --labels (it drops each row's most similar negatives).");
        if (handling is FalseNegatives.Drop or FalseNegatives.Attract && (r.Kind != "ntxent" || r.Labels is null))
            throw new ArgumentException($"--false-negatives {r.FalseNegatives} goes with --kind ntxent and --labels (one label per row, −1 where unknown).");
        if (r.Kind == "ntxent" && r.Labels is not null && handling == FalseNegatives.Keep)
            throw new ArgumentException("--kind ntxent reads --labels only to handle false negatives: add --false-negatives drop or attract.");
        CheckInputs(definition, (k is null && r.KeysGradOut is null ? LossInputKinds.None : LossInputKinds.Keys)
            | (r.Labels is null ? LossInputKinds.None : LossInputKinds.Labels) | (r.Positives is null ? LossInputKinds.None : LossInputKinds.Positives));
        int n = z.Shape[0], d = z.Shape[1];
        if (handling == FalseNegatives.DropTop && (r.TopK < 1 || r.TopK > NtXentLoss.MaxTopK || r.TopK >= n - 2))
            throw new ArgumentException(r.TopK < 1 || r.TopK > NtXentLoss.MaxTopK
                ? $"--top-k must be between 1 and {NtXentLoss.MaxTopK}; got {r.TopK}."
                : $"--top-k must be below the {n - 2} negatives each of the {n} rows of --input has; got {r.TopK}.");
        var labels = r.Labels is null ? null : IntVector(r.Labels, "--labels", n);
        var positives = r.Positives is null ? null : IntVector(r.Positives, "--positives", n);
        var dtype = device == Device.Cpu && z.Descr[^1] == '8' && (k is null || k.Descr[^1] == '8') ? DType.Float64 : DType.Float32;

        using var scope = TensorScope.Begin();
        var zt = ToTensor(z, device, dtype);
        var kt = k is null ? null : ToTensor(k, device, dtype);
        var lt = labels is null ? null : Tensor.FromArray(labels, [n], device);
        var pt = positives is null ? null : Tensor.FromArray(positives, [n], device);
        var clock = Stopwatch.StartNew();
        var options = new LossOptions
        {
            Temperature = r.Temperature,
            TauPlus = r.TauPlus,
            Beta = r.Beta,
            FalseNegatives = handling,
            TopK = r.TopK,
            Margin = r.Margin,
            Mining = Training.Names.Parse<TripletMining>(r.Mining, "mining"),
            Distance = r.Distance switch
            {
                "squared" => DistanceMetric.SquaredEuclidean,
                "cosine" => DistanceMetric.Cosine,
                _ => DistanceMetric.Euclidean,
            },
            SoftMargin = r.SoftMargin,
            Normalize = r.Normalize,
        };
        var loss = definition.Fused(new LossArguments(zt, kt, lt, pt), options);
        loss.Backward();
        device.Synchronize();
        double ms = clock.Elapsed.TotalMilliseconds;
        double value = loss.Item();
        if (r.GradOut is not null) NpyFile.Write(r.GradOut, zt.Grad!.ToFloatArray(), [n, d]);
        if (r.KeysGradOut is not null) NpyFile.Write(r.KeysGradOut, kt!.Grad!.ToFloatArray(), [kt.Shape[0], d]);
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"loss\": {value:R}, \"n\": {n}, \"d\": {d}, \"device\": \"{device.Name}\", \"ms\": {ms:F3}}}");
    }

    /// <summary>The catalog entry's inputs as this command's options: what is missing, or given and not read.</summary>
    private static void CheckInputs(LossDefinition loss, LossInputKinds given)
    {
        foreach (var input in new[] { LossInputKinds.Keys, LossInputKinds.Labels, LossInputKinds.Positives })
        {
            string option = input == LossInputKinds.Keys ? "--keys, --keys-grad-out" : "--" + LossDefinition.Describe(input);
            if (loss.Requires.HasFlag(input) && !given.HasFlag(input)) throw new ArgumentException($"--kind {loss.Name} needs --{LossDefinition.Describe(input)}.");
            if (!loss.Accepts.HasFlag(input) && given.HasFlag(input)) throw new ArgumentException($"--kind {loss.Name} takes no {option}.");
        }
    }

    private static NpyArray Embeddings(string path, string option)
    {
        var a = NpyFile.Read(path);
        if (a.Shape.Count != 2 || !a.IsFloatingPoint)
            throw new InvalidDataException($"{option} '{path}' must hold a float32 or float64 [N, D] array; it holds {a.Describe()}.");
        return a;
    }

    private static int[] IntVector(string path, string option, int n)
    {
        var a = NpyFile.Read(path);
        if (a.Shape.Count != 1 || a.Shape[0] != n)
            throw new InvalidDataException($"{option} '{path}' must hold an int [{n}] array (one per row of --input); it holds {a.Describe()}.");
        return a.ToIntArray($"{option} '{path}'");
    }

    private static Tensor ToTensor(NpyArray a, Device device, DType dtype)
    {
        var t = dtype == DType.Float64
            ? Tensor.FromArray(a.ToDoubleArray(), [a.Shape[0], a.Shape[1]], device)
            : Tensor.FromArray(a.ToFloatArray(), [a.Shape[0], a.Shape[1]], device);
        t.RequiresGrad = true;
        return t;
    }
}
