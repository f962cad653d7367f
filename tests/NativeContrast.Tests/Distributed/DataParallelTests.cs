using NativeContrast.Distributed;
using NativeContrast.Losses;
using NativeContrast.Nn;
using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Distributed;

/// <summary>
/// Data-parallel pieces in one process, with ranks simulated by threads (float64): gathered rows and
/// their gradient, synchronized batch norm against batch norm on the whole batch, gradient averaging.
/// </summary>
public class DataParallelTests
{
    private static Tensor Normal(int[] shape, int seed) => Tensor.RandomNormal(shape, seed, Device.Cpu, DType.Float64);

    [TestCase(2)]
    [TestCase(3)]
    public void GlobalNegatives_NtXentGradientsPerRank_EqualOneProcessOnTheWholeBatch(int ranks)
    {
        const int perRank = 5, dim = 6;
        int batch = perRank * ranks;
        double[] expectedLoss;
        double[] expectedGrad;
        using (var scope = TensorScope.Begin())
        {
            var z = Normal([2 * batch, dim], 3);
            z.RequiresGrad = true;
            var loss = new NtXentLoss(0.3).Forward(z);
            loss.Backward();
            expectedLoss = [loss.Item()];
            expectedGrad = z.Grad!.ToDoubleArray();
        }
        var perRankResults = ThreadRanks.Run(ranks, communicator =>
        {
            using var scope = TensorScope.Begin();
            var local = DataParallel.ShardViews(Normal([2 * batch, dim], 3), 2, communicator).Clone();
            local.RequiresGrad = true;
            var loss = new NtXentLoss(0.3).Forward(local.AllGatherViews(2, communicator));
            loss.Backward();
            // Every rank's loss is the same global loss; the objective is their mean, hence ÷ ranks.
            return (Loss: loss.Item(), Grad: Array.ConvertAll(local.Grad!.ToDoubleArray(), g => g / ranks));
        });
        for (int r = 0; r < ranks; r++)
        {
            Assert.That(perRankResults[r].Loss, Is.EqualTo(expectedLoss[0]).Within(1e-12));
            var expected = expectedGrad.Skip(r * perRank * dim).Take(perRank * dim)
                .Concat(expectedGrad.Skip((batch + r * perRank) * dim).Take(perRank * dim)).ToArray();
            Close.Assert(perRankResults[r].Grad, expected, 1e-12, 1e-10, $"rank {r}");
        }
    }

    [Test]
    public void AllGatherRows_WithoutTheSumOverRanks_WouldGiveOnlyThisRanksShare()
    {
        // Each rank's loss uses only its own anchors' rows in the first half; the gradient of the other
        // ranks' rows must still arrive: the backward sums over ranks.
        var grads = ThreadRanks.Run(2, communicator =>
        {
            using var scope = TensorScope.Begin();
            var x = Tensor.FromArray(new double[] { communicator.Rank + 1.0 }, [1, 1], Device.Cpu, requiresGrad: true);
            var gathered = x.AllGatherRows(communicator);
            // Rank 0 uses row 1 (rank 1's value), rank 1 uses row 0: each x reaches only the other rank's loss.
            var loss = gathered.Rows(1 - communicator.Rank, 1).Sum() * 3.0;
            loss.Backward();
            return x.Grad!.ToDoubleArray()[0];
        });
        Assert.That(grads, Is.EqualTo(new[] { 3.0, 3.0 }));
    }

    [TestCase(2, 4)]
    [TestCase(4, 2)]
    public void SynchronizedBatchNorm_OverRanks_EqualsBatchNormOnTheWholeBatch(int ranks, int spatial)
    {
        const int perRank = 3, channels = 4;
        int n = perRank * ranks;
        var xShape = new[] { n, channels, spatial, spatial };
        double[] yExpected, dxExpected, dGammaExpected, dBetaExpected, runningVarExpected;
        using (var scope = TensorScope.Begin())
        {
            using var bn = new BatchNorm2d(channels, device: Device.Cpu, dtype: DType.Float64);
            var x = Normal(xShape, 5) * 2.0 + 0.5;
            var xLeaf = x.Detach();
            xLeaf.RequiresGrad = true;
            var y = bn.Forward(xLeaf);
            (y * Normal(xShape, 6)).Sum().Backward();
            (yExpected, dxExpected) = (y.ToDoubleArray(), xLeaf.Grad!.ToDoubleArray());
            (dGammaExpected, dBetaExpected, runningVarExpected) = (bn.Weight.Grad!.ToDoubleArray(), bn.Bias.Grad!.ToDoubleArray(), bn.RunningVar.ToDoubleArray());
            bn.ZeroGrad();
        }
        int per = perRank * channels * spatial * spatial;
        var results = ThreadRanks.Run(ranks, communicator =>
        {
            using var scope = TensorScope.Begin();
            using var bn = new BatchNorm2d(channels, device: Device.Cpu, dtype: DType.Float64) { SyncGroup = communicator };
            var x = (Normal(xShape, 5) * 2.0 + 0.5).Rows(communicator.Rank * perRank, perRank).Clone();
            x.RequiresGrad = true;
            var y = bn.Forward(x);
            (y * Normal(xShape, 6).Rows(communicator.Rank * perRank, perRank)).Sum().Backward();
            DataParallel.AverageGradients([bn.Weight, bn.Bias], communicator);
            var result = (Y: y.ToDoubleArray(), Dx: x.Grad!.ToDoubleArray(), DGamma: bn.Weight.Grad!.ToDoubleArray(), DBeta: bn.Bias.Grad!.ToDoubleArray(), RunningVar: bn.RunningVar.ToDoubleArray());
            bn.ZeroGrad();
            return result;
        });
        for (int r = 0; r < ranks; r++)
        {
            Close.Assert(results[r].Y, yExpected.Skip(r * per).Take(per).ToArray(), 1e-12, 1e-10, $"y of rank {r}");
            Close.Assert(results[r].Dx, dxExpected.Skip(r * per).Take(per).ToArray(), 1e-12, 1e-10, $"dx of rank {r}");
            Close.Assert(results[r].RunningVar, runningVarExpected, 1e-12, 1e-10, $"running variance of rank {r}");
            // Averaged over ranks; the whole-batch gradient is the sum, so compare ×ranks.
            Close.Assert(results[r].DGamma.Select(g => g * ranks).ToArray(), dGammaExpected, 1e-6, 1e-6, $"dγ of rank {r}");
            Close.Assert(results[r].DBeta.Select(g => g * ranks).ToArray(), dBetaExpected, 1e-6, 1e-6, $"dβ of rank {r}");
        }
    }

    [Test]
    public void AverageGradients_GivesEveryRankTheMean_AndAGradientWhereARankHadNone()
    {
        var results = ThreadRanks.Run(2, communicator =>
        {
            using var p = Tensor.FromArray(new float[] { 0, 0 }, [2], Device.Cpu, requiresGrad: true);
            using var q = Tensor.FromArray(new float[] { 0 }, [1], Device.Cpu, requiresGrad: true);
            using (var scope = TensorScope.Begin())
            {
                ((p * (communicator.Rank == 0 ? 2.0 : 4.0)).Sum() + (communicator.Rank == 1 ? q.Sum() * 6.0 : p.Sum() * 0.0)).Backward();
            }
            DataParallel.AverageGradients([p, q], communicator);
            var result = (P: p.Grad!.ToFloatArray(), Q: q.Grad!.ToFloatArray());
            p.ZeroGrad();
            q.ZeroGrad();
            return result;
        });
        foreach (var (pGrad, qGrad) in results)
        {
            Assert.That(pGrad, Is.EqualTo(new float[] { 3, 3 }));
            Assert.That(qGrad, Is.EqualTo(new float[] { 3 }));
        }
    }

    [Test]
    public void ABatchThatDoesNotSplitEvenly_IsRefusedWithTheReason()
    {
        var errors = ThreadRanks.Run(2, communicator => Assert.Throws<ArgumentException>(() => DataParallel.ShardSize(7, communicator))!.Message);
        Assert.That(errors[0], Does.Contain("7 images does not split evenly over 2 ranks"));
    }
}
