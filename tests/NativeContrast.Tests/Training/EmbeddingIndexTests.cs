using NativeContrast.Evaluation;
using NativeContrast.IO;

namespace NativeContrast.Tests.Training;

/// <summary>The embedding index: exact cosine search against a brute-force ranking, loading what embed writes, and its errors.</summary>
public class EmbeddingIndexTests
{
    [Test]
    public void Search_RanksLikeBruteForceCosine_AndNamesTheRows()
    {
        var rng = new Random(4);
        int n = 700, d = 12;
        var rows = Enumerable.Range(0, n * d).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var index = new EmbeddingIndex(d);
        index.Add(rows, Enumerable.Range(0, n).Select(i => $"img{i}.png").ToArray());
        var query = Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        double Cosine(int r)
        {
            double dot = 0, a = 0, b = 0;
            for (int k = 0; k < d; k++) { dot += rows[r * d + k] * query[k]; a += rows[r * d + k] * rows[r * d + k]; b += query[k] * query[k]; }
            return dot / Math.Sqrt(a * b);
        }
        var expected = Enumerable.Range(0, n).OrderByDescending(Cosine).Take(5).ToArray();
        var hits = index.Search(query, 5);
        Assert.That(hits.Select(h => h.Row), Is.EqualTo(expected));
        Assert.That(hits.Select(h => h.Name), Is.EqualTo(expected.Select(i => $"img{i}.png")));
        Assert.That(hits[0].Similarity, Is.EqualTo(Cosine(expected[0])).Within(1e-5));
    }

    [Test]
    public void Load_ReadsTheNpyAndItsFilesTxt_AndRefusesAMismatch()
    {
        var dir = Directory.CreateTempSubdirectory("nc-index-").FullName;
        try
        {
            var npy = Path.Combine(dir, "e.npy");
            NpyFile.Write(npy, new float[] { 1, 0, 0, 1, 0.6f, 0.8f }, [3, 2]);
            var unnamed = EmbeddingIndex.Load(npy);
            Assert.That(unnamed.Names, Is.EqualTo(new[] { "0", "1", "2" }));
            File.WriteAllText(Path.Combine(dir, "e.files.txt"), "a.png\nb.png\nsub/c.png\n");
            var index = EmbeddingIndex.Load(npy);
            Assert.That(index.Search([0.6f, 0.8f], 2).Select(h => h.Name), Is.EqualTo(new[] { "sub/c.png", "b.png" }));
            File.WriteAllText(Path.Combine(dir, "e.files.txt"), "a.png\n");
            var e = Assert.Throws<InvalidDataException>(() => EmbeddingIndex.Load(npy))!;
            Assert.That(e.Message, Does.Contain("names 1 files but").And.Contain("has 3 rows"));
            Assert.Throws<ArgumentException>(() => new EmbeddingIndex(2).Add([0f, 0f], "zero.png"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
