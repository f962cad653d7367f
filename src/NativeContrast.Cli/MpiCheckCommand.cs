using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NativeContrast.Distributed;
using NativeContrast.IO;
using NativeContrast.Losses;

namespace NativeContrast.Cli;

/// <summary>
/// <c>mpirun -np K nativecontrast mpi-check</c>: checks a data-parallel setup before a long run. The
/// collectives must give exact results; NT-Xent and SupCon with global negatives (K ranks × b images)
/// must give the loss and gradients one process computes on the whole batch of K·b images; and it
/// times an all-reduce of 1M floats. Exit code 0 when every check passes.
/// </summary>
internal static class MpiCheckCommand
{
    private const int ImagesPerRank = 24, Inputs = 16, Dim = 8;
    private const double Tolerance = 1e-4;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var outFolder = new Option<string?>("--out") { Description = "Also write each rank's inputs and gradients as .npy files here." };
        var failRank = new Option<int>("--fail-rank") { Description = "Make this rank throw, to check that a failing rank ends the whole job.", DefaultValueFactory = _ => -1 };
        var command = new Command("mpi-check", "Check MPI collectives and global-negative gradients against one process (run it under mpirun).");
        command.Options.Add(outFolder);
        command.Options.Add(failRank);
        command.SetAction(parse =>
        {
            using var communicator = Communicator.FromEnvironment();
            return DistributedGuard.Run(communicator, error, () => Check(communicator, parse.GetValue(outFolder), parse.GetValue(failRank), communicator.IsRoot ? output : TextWriter.Null));
        });
        return command;
    }

    private static int Check(Communicator communicator, string? outFolder, int failRank, TextWriter output)
    {
        output.WriteLine($"mpi-check: {communicator.Size} rank(s){(communicator.IsDistributed ? "" : " (not started by mpirun: a single process)")}");
        communicator.Barrier();
        if (communicator.Rank == failRank) throw new InvalidOperationException($"failure requested by --fail-rank {failRank}");
        bool ok = Collectives(communicator, output);
        if (outFolder is not null) Directory.CreateDirectory(outFolder);
        foreach (var loss in new[] { LossCatalog.Get("ntxent"), LossCatalog.Get("supcon") }) ok &= Gradients(loss, communicator, outFolder, output);
        output.WriteLine(ok ? "all checks passed" : "CHECKS FAILED");
        return ok ? 0 : 1;
    }

    private static bool Collectives(Communicator communicator, TextWriter output)
    {
        int k = communicator.Size, rank = communicator.Rank;
        const int length = 1 << 20;
        // Small integers: float sums are exact, so any difference is an error.
        var sum = new float[length];
        for (int i = 0; i < length; i++) sum[i] = (rank + 1) * (i % 1000);
        communicator.AllReduceSum<float>(sum);
        double sumError = 0;
        for (int i = 0; i < length; i++) sumError = Math.Max(sumError, Math.Abs(sum[i] - k * (k + 1) / 2.0 * (i % 1000)));
        var local = new int[1000];
        for (int i = 0; i < local.Length; i++) local[i] = rank * 100_000 + i;
        var gathered = new int[local.Length * k];
        communicator.AllGather<int>(local, gathered);
        int gatherWrong = 0;
        for (int r = 0; r < k; r++)
            for (int i = 0; i < local.Length; i++)
                if (gathered[r * local.Length + i] != r * 100_000 + i) gatherWrong++;
        var broadcast = new double[1000];
        if (communicator.IsRoot)
            for (int i = 0; i < broadcast.Length; i++) broadcast[i] = Math.Sqrt(i);
        communicator.Broadcast<double>(broadcast);
        int broadcastWrong = Enumerable.Range(0, broadcast.Length).Count(i => broadcast[i] != Math.Sqrt(i));
        var times = new double[10];
        for (int t = 0; t < times.Length; t++)
        {
            communicator.Barrier();
            long start = Stopwatch.GetTimestamp();
            communicator.AllReduceSum<float>(sum);
            times[t] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        Span<double> errors = [sumError, gatherWrong, broadcastWrong];
        communicator.AllReduceMax(errors);
        bool ok = errors[0] == 0 && errors[1] == 0 && errors[2] == 0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  collectives: all-reduce max error {errors[0]}, all-gather wrong {errors[1]}, broadcast wrong {errors[2]}: {(ok ? "ok" : "FAILED")}; all-reduce of 1M floats {times[times.Length / 2]:F2} ms (median of {times.Length})"));
        return ok;
    }

    /// <summary>
    /// z = x·W on every rank's shard, gathered, then the loss. Compared with one process on the whole batch:
    /// the loss, dW after averaging over ranks, and dx of this rank's rows. The gathered rows' backward sums
    /// the K ranks' gradients, and the objective is their mean, so this rank's dx is compared after ÷K.
    /// </summary>
    private static bool Gradients(LossDefinition definition, Communicator communicator, string? outFolder, TextWriter output)
    {
        int k = communicator.Size, batch = ImagesPerRank * k;
        using var scope = TensorScope.Begin();
        var device = Device.Cpu;
        var xAll = Tensor.RandomNormal([2 * batch, Inputs], seed: 11, device);
        var wValues = Tensor.RandomNormal([Inputs, Dim], seed: 12, device, std: 0.5);
        var labelValues = Enumerable.Range(0, batch).Select(i => (int)((i * 2654435761L) % 5)).ToArray();
        var labels = Tensor.FromArray(labelValues.Concat(labelValues).ToArray(), [2 * batch], device);
        var options = new LossOptions { Temperature = 0.2 };
        Tensor loss(Tensor z) => definition.Fused(new LossArguments(z, Labels: definition.Requires.HasFlag(LossInputKinds.Labels) ? labels : null), options);
        string lossName = definition.Name;

        var xReference = xAll.Clone();
        xReference.RequiresGrad = true;
        var wReference = wValues.Clone();
        wReference.RequiresGrad = true;
        var lossReference = loss(xReference.Matmul(wReference));
        lossReference.Backward();

        var xLocal = DataParallel.ShardViews(xAll, 2, communicator).Clone();
        xLocal.RequiresGrad = true;
        var w = wValues.Clone();
        w.RequiresGrad = true;
        var lossDistributed = loss(xLocal.Matmul(w).AllGatherViews(2, communicator));
        lossDistributed.Backward();
        DataParallel.AverageGradients([w], communicator);

        var dxLocal = Array.ConvertAll(xLocal.Grad!.ToDoubleArray(), v => v / k);
        var dxExpected = DataParallel.ShardViews(xReference.Grad!, 2, communicator).ToDoubleArray();
        Span<double> errors =
        [
            Math.Abs(lossDistributed.Item() - lossReference.Item()) / Math.Abs(lossReference.Item()),
            Errors.Relative(w.Grad!.ToDoubleArray(), wReference.Grad!.ToDoubleArray()),
            Errors.Relative(dxLocal, dxExpected),
        ];
        communicator.AllReduceMax(errors);
        bool ok = errors[0] < Tolerance && errors[1] < Tolerance && errors[2] < Tolerance;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {lossName} with global negatives, {k} × {ImagesPerRank} images vs one process on {batch}: relative error loss {errors[0]:E1}, dW {errors[1]:E1}, dx {errors[2]:E1}: {(ok ? "ok" : "FAILED")}"));
        if (outFolder is not null)
        {
            NpyFile.Write(Path.Combine(outFolder, $"{lossName}_dx_rank{communicator.Rank}.npy"), Array.ConvertAll(dxLocal, v => (float)v), [2 * ImagesPerRank, Inputs]);
            if (communicator.IsRoot)
            {
                NpyFile.Write(Path.Combine(outFolder, $"{lossName}_dw.npy"), w.Grad!.ToFloatArray(), [Inputs, Dim]);
                NpyFile.Write(Path.Combine(outFolder, $"{lossName}_loss.npy"), [(float)lossDistributed.Item()], [1]);
            }
        }
        return ok;
    }
}
