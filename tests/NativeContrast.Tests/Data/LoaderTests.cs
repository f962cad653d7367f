using NativeContrast.Data;

namespace NativeContrast.Tests.Data;

public class LoaderTests
{
    private static ImageDataset Dataset(int n)
    {
        var pixels = Enumerable.Range(0, n * 4).Select(i => (byte)(i / 4)).ToArray();
        return new ImageDataset(pixels, Enumerable.Range(0, n).Select(i => i % 5).ToArray(), 1, 2, 2, ["a", "b", "c", "d", "e"]);
    }

    [Test]
    public void Epoch_CoversEveryImageOnce_InSeededOrder_WithMatchingImagesAndLabels()
    {
        var data = Dataset(50);
        var loader = new DataLoader(data, batchSize: 8, seed: 3, dropLast: false);
        var seen = new List<int>();
        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            {
                var images = batch.Images.ToFloatArray();
                for (int i = 0; i < batch.Count; i++)
                {
                    Assert.That(images[i * 4], Is.EqualTo(batch.Indices[i] / 255f).Within(1e-7), "image matches its index");
                    Assert.That(batch.LabelValues[i], Is.EqualTo(batch.Indices[i] % 5));
                }
                Assert.That(batch.Labels.ToIntArray(), Is.EqualTo(batch.LabelValues));
                seen.AddRange(batch.Indices);
            }
        }
        Assert.That(seen.Order(), Is.EqualTo(Enumerable.Range(0, 50)));
        Assert.That(seen, Is.Not.EqualTo(Enumerable.Range(0, 50)), "shuffled");
        var again = new DataLoader(data, 8, seed: 3, dropLast: false).Epoch(0).SelectMany(b => { using (b) return b.Indices; }).ToList();
        Assert.That(again, Is.EqualTo(seen), "same seed, same order");
        var next = new DataLoader(data, 8, seed: 3, dropLast: false).Epoch(1).SelectMany(b => { using (b) return b.Indices; }).ToList();
        Assert.That(next, Is.Not.EqualTo(seen), "another epoch, another order");
    }

    [Test]
    public void BreakingOutEarly_StopsTheProducer()
    {
        var loader = new DataLoader(Dataset(1000), 10, prefetch: 2);
        int taken = 0;
        foreach (var batch in loader.Epoch(0))
        {
            batch.Dispose();
            if (++taken == 3) break;
        }
        Assert.That(taken, Is.EqualTo(3));
    }

    [Test]
    public void ClassBalancedSampler_GivesKImagesOfEachOfCClasses()
    {
        var labels = Enumerable.Range(0, 300).Select(i => i % 10).ToArray();
        var sampler = new ClassBalancedSampler(labels, classesPerBatch: 4, perClass: 3, seed: 1);
        foreach (var batch in sampler.Batches(0))
        {
            var groups = batch.GroupBy(i => labels[i]).ToList();
            Assert.That(groups, Has.Count.EqualTo(4));
            Assert.That(groups.Select(g => g.Count()), Is.All.EqualTo(3));
        }
        Assert.That(sampler.BatchesPerEpoch, Is.EqualTo(25));
        Assert.That(sampler.Batches(2).First(), Is.EqualTo(new ClassBalancedSampler(labels, 4, 3, 1).Batches(2).First()));
    }
}
