using NativeContrast.Distributed;
using NativeContrast.IO;
using NativeContrast.Losses;
using NativeContrast.Tests.Data;
using NativeContrast.Tests.Support;
using NativeContrast.Training;

namespace NativeContrast.Tests.Distributed;

/// <summary>
/// Two processes under mpirun: the collectives, NT-Xent and SupCon gradients with global negatives
/// against one process on the whole batch, two data-parallel training steps against one process, and
/// a failing rank ending the job.
/// </summary>
[NonParallelizable]
public class MpiTests
{
    [Test]
    public void MpiCheck_OnTwoRanks_PassesAndItsGradientsEqualOneProcessOnTheWholeBatch()
    {
        MpiRunner.RequireMpi();
        var folder = Directory.CreateTempSubdirectory("nc-mpi-").FullName;
        try
        {
            var (code, output, error) = MpiRunner.Run(2, $"mpi-check --out \"{folder}\"");
            Assert.That(code, Is.EqualTo(0), output + error);
            Assert.That(output, Does.Contain("mpi-check: 2 rank(s)").And.Contain("all checks passed"));

            // Independently of the command's own comparison: one process here, on the whole batch of 2 × 24 images.
            const int perRank = 24, batch = 2 * perRank;
            foreach (var lossName in new[] { "ntxent", "supcon" })
            {
                using var scope = TensorScope.Begin();
                var x = Tensor.RandomNormal([2 * batch, 16], seed: 11);
                x.RequiresGrad = true;
                var w = Tensor.RandomNormal([16, 8], seed: 12, std: 0.5);
                w.RequiresGrad = true;
                var labelValues = Enumerable.Range(0, batch).Select(i => (int)((i * 2654435761L) % 5)).ToArray();
                var labels = Tensor.FromArray(labelValues.Concat(labelValues).ToArray(), [2 * batch], Device.Cpu);
                var z = x.Matmul(w);
                var loss = lossName == "supcon" ? new SupConLoss(0.2).Forward(z, labels) : new NtXentLoss(0.2).Forward(z);
                loss.Backward();
                Assert.That(NpyFile.Read(Path.Combine(folder, $"{lossName}_loss.npy")).ToFloatArray()[0], Is.EqualTo(loss.Item()).Within(1e-5 * Math.Abs(loss.Item())), lossName);
                Close.Assert(NpyFile.Read(Path.Combine(folder, $"{lossName}_dw.npy")).ToFloatArray(), w.Grad!.ToFloatArray(), 1e-6, 1e-4, $"{lossName} dW");
                var dx = x.Grad!.ToFloatArray();
                for (int rank = 0; rank < 2; rank++)
                {
                    // Rank r holds images [24r, 24r + 24) of each view: rows 24r.. of view 0 and 48 + 24r.. of view 1.
                    var expected = dx.Skip(rank * perRank * 16).Take(perRank * 16).Concat(dx.Skip((batch + rank * perRank) * 16).Take(perRank * 16)).ToArray();
                    Close.Assert(NpyFile.Read(Path.Combine(folder, $"{lossName}_dx_rank{rank}.npy")).ToFloatArray(), expected, 1e-6, 1e-4, $"{lossName} dx of rank {rank}");
                }
            }
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Test]
    public void TwoDataParallelSteps_WithSynchronizedBatchNorm_EqualOneProcessOnTheWholeBatch()
    {
        MpiRunner.RequireMpi();
        var data = IdxFiles.FakeFashionMnist(64);
        try
        {
            string common = $"train --data \"{data}\" --batch-size 32 --epochs 1 --no-eval --device cpu";
            var (code, output, error) = MpiRunner.Run(2, $"{common} --sync-bn --out \"{Path.Combine(data, "ranks2")}\"");
            Assert.That(code, Is.EqualTo(0), output + error);
            Assert.That(output, Does.Contain("data-parallel over 2 ranks: 16 images per rank").And.Contain("communication"));
            var single = new StringWriter();
            var singleError = new StringWriter();
            code = NativeContrast.Cli.CommandLine.Run(["train", "--data", data, "--batch-size", "32", "--epochs", "1", "--no-eval", "--device", "cpu", "--out", Path.Combine(data, "single")], single, singleError);
            Assert.That(code, Is.EqualTo(0), singleError.ToString());

            var distributed = Checkpoint.Load(Path.Combine(data, "ranks2", Checkpoint.FileName));
            var reference = Checkpoint.Load(Path.Combine(data, "single", Checkpoint.FileName));
            Assert.That(distributed.OptimizerSteps, Is.EqualTo(2));
            int compared = 0;
            foreach (var (name, expected) in reference.Tensors.Where(kv => kv.Key.StartsWith("encoder.") || kv.Key.StartsWith("head.")))
            {
                Close.Assert(distributed.Tensors[name].ToDoubleArray(), expected.ToDoubleArray(), 1e-4, 1e-3, name);
                compared++;
            }
            Assert.That(compared, Is.GreaterThan(20));
            // Both logs: the same loss at each step.
            var lossesOf = (string run) => File.ReadAllLines(Path.Combine(data, run, "log.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.That(lossesOf("ranks2"), Is.EqualTo(lossesOf("single")).Within(1e-4));
            Assert.That(Directory.GetFiles(Path.Combine(data, "ranks2")).Select(Path.GetFileName), Does.Contain("log.csv").And.Contain("checkpoint.safetensors"));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    [Test]
    public void ARankThatFails_EndsTheWholeJobWithItsMessage()
    {
        MpiRunner.RequireMpi();
        var (code, output, error) = MpiRunner.Run(2, "mpi-check --fail-rank 1", timeoutSeconds: 60);
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(error, Does.Contain("rank 1 of 2 failed, stopping the job").And.Contain("--fail-rank 1"), output);
    }

    [Test]
    public void WithoutMpirun_TheCommunicatorIsRankZeroOfOne()
    {
        using var communicator = Communicator.FromEnvironment();
        Assert.That((communicator.Rank, communicator.Size, communicator.IsDistributed), Is.EqualTo((0, 1, false)));
        var buffer = new float[] { 1, 2, 3 };
        communicator.AllReduceSum<float>(buffer);
        Assert.That(buffer, Is.EqualTo(new float[] { 1, 2, 3 }));
        var gathered = new float[3];
        communicator.AllGather<float>(buffer, gathered);
        Assert.That(gathered, Is.EqualTo(buffer));
        Assert.Throws<ArgumentException>(() => communicator.AllGather<float>(buffer, new float[4]));
    }
}
