using System.Text.Json;
using NativeContrast.Data;
using NativeContrast.IO;
using NativeContrast.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NativeContrast.Tests.Data;

/// <summary>
/// Folders of images without class folders: read as unlabelled datasets that know their files, trained with SimCLR,
/// evaluated without labels, embedded with a files.txt; methods that need labels refuse them.
/// </summary>
[NonParallelizable]
public class UnlabelledFolderTests
{
    private string root = null!;

    [SetUp]
    public void SetUp() => root = Directory.CreateTempSubdirectory("nc-unlabelled-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(root, recursive: true);

    /// <summary>Writes count PNGs of varied colours and sizes at the given relative paths.</summary>
    private void Images(params string[] paths)
    {
        var rng = new Random(paths.Length);
        foreach (var path in paths)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using var image = new Image<Rgb24>(20 + rng.Next(20), 18 + rng.Next(20));
            for (int y = 0; y < image.Height; y++)
                for (int x = 0; x < image.Width; x++)
                    image[x, y] = new Rgb24((byte)rng.Next(256), (byte)(x * 9), (byte)(y * 7));
            image.SaveAsPng(full);
        }
    }

    private static string P(params string[] parts) => Path.Combine(parts);

    [Test]
    public void AFlatOrDeeplyNestedFolder_IsUnlabelled_InPathOrder_WithItsFiles()
    {
        Images("b.png", "a.png", P("trip", "2024", "c.png"), P("trip", "d.png"));
        var data = ImageFolder.Load(root, 8, 3).Dataset;
        Assert.That(data.IsLabelled, Is.False);
        Assert.That(data.Files, Is.EqualTo(new[] { "a.png", "b.png", P("trip", "2024", "c.png"), P("trip", "d.png") }));
        Assert.That(data.Labels, Is.All.EqualTo(0));
    }

    [Test]
    public void ClassFolders_AreLabels_UnlessToldNone_AndFoldersCanBeForced()
    {
        Images(P("cats", "1.png"), P("cats", "2.png"), P("dogs", "1.png"));
        var labelled = ImageFolder.Load(root, 8, 3).Dataset;
        Assert.That((labelled.IsLabelled, labelled.Labels), Is.EqualTo((true, new[] { 0, 0, 1 })));
        Assert.That(labelled.Files, Is.EqualTo(new[] { P("cats", "1.png"), P("cats", "2.png"), P("dogs", "1.png") }));
        Assert.That(ImageFolder.Load(root, 8, 3, labels: FolderLabels.None).Dataset.IsLabelled, Is.False);

        Images(P("dogs", "puppies", "3.png"));
        Assert.That(ImageFolder.Load(root, 8, 3).Dataset.IsLabelled, Is.False, "an image two folders down: not the class-folder layout");
        var forced = ImageFolder.Load(root, 8, 3, labels: FolderLabels.Folders).Dataset;
        Assert.That((forced.IsLabelled, forced.Labels), Is.EqualTo((true, new[] { 0, 0, 1, 1 })));
    }

    [Test]
    public void LabelsFromFolders_WithoutFolders_IsRefused()
    {
        Images("a.png");
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(root, 8, 3, labels: FolderLabels.Folders))!;
        Assert.That(e.Message, Does.Contain("has no class sub-folders"));
    }

    [Test]
    public void SimClr_TrainsOnIt_EvaluatesWithoutLabels_AndEmbedNamesTheRows()
    {
        Images(Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? $"img{i:D2}.png" : P("sub", $"img{i:D2}.png")).ToArray());
        var run = Path.Combine(root, "..", Path.GetFileName(root) + "-run");
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int code = NativeContrast.Cli.CommandLine.Run(["train", "--dataset", root, "--epochs", "1", "--batch-size", "16", "--device", "cpu", "--out", run], output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString() + output);
            Assert.That(output.ToString(), Does.Contain("40 images, unlabelled").And.Contain("without labels: kNN, linear probe and retrieval by class need labels and are skipped")
                .And.Contain("held-out images (no labels): own-view retrieval top-1"));
            using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))))
            {
                Assert.That(metrics.RootElement.GetProperty("view_retrieval_top5").GetDouble(), Is.InRange(0.0, 1.0));
                Assert.That(metrics.RootElement.TryGetProperty("knn_top20", out _), Is.False);
            }
            Assert.That(File.ReadAllLines(Path.Combine(run, "log.csv"))[0], Does.Not.Contain("same_class"), "no labels, no false-negative picture");

            var embeddings = Path.Combine(run, "e.npy");
            output = new StringWriter();
            code = NativeContrast.Cli.CommandLine.Run(["embed", "--run", run, "--input", root, "--out", embeddings], output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString());
            var files = File.ReadAllLines(Path.Combine(run, "e.files.txt"));
            Assert.That(files, Has.Length.EqualTo(40));
            Assert.That(files[0], Is.EqualTo("img00.png"));
            Assert.That(File.Exists(Path.Combine(run, "e.labels.npy")), Is.False, "no labels to write");
            var rows = NpyFile.Read(embeddings).ToFloatArray();
            using var model = EncoderModel.Load(run, Device.Cpu);
            var single = model.Embed(Path.Combine(root, files[3]));
            Assert.That(single, Is.EqualTo(rows.AsSpan(3 * model.Dimension, model.Dimension).ToArray()).Within(1e-5), "Embed(path) = the folder's row");
            using (var stream = File.OpenRead(Path.Combine(root, files[3])))
                Assert.That(model.Embed(stream), Is.EqualTo(single), "Embed(stream) = Embed(path)");

            var grid = Path.Combine(run, "grid.png");
            output = new StringWriter();
            code = NativeContrast.Cli.CommandLine.Run(["search", "--run", run, "--index", embeddings, "--query", Path.Combine(root, files[3]), "--k", "4",
                "--images", root, "--out", grid], output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString());
            var lines = output.ToString().Split('\n');
            Assert.That(lines[1], Does.Match($@"^\s+1\s+1\.0000\s+{System.Text.RegularExpressions.Regex.Escape(files[3])}$"), "an image finds itself first");
            Assert.That(lines.Count(l => l.StartsWith("  ", StringComparison.Ordinal)), Is.EqualTo(4));
            using (var picture = SixLabors.ImageSharp.Image.Load(grid)) Assert.That(picture.Width, Is.GreaterThan(5 * 96));
            output = new StringWriter();
            code = NativeContrast.Cli.CommandLine.Run(["search", "--run", run, "--index", embeddings, "--query", Path.Combine(root, files[3]), "--json", "--k", "2"], output, error);
            Assert.That(code, Is.EqualTo(0));
            using (var hit = JsonDocument.Parse(output.ToString().Split('\n')[0])) Assert.That(hit.RootElement.GetProperty("rank").GetInt32(), Is.EqualTo(1));
            code = NativeContrast.Cli.CommandLine.Run(["search", "--run", run, "--index", embeddings, "--query", Path.Combine(root, files[3]), "--out", grid], new StringWriter(), error = new StringWriter());
            Assert.That((code, error.ToString().Trim()), Is.EqualTo((2, $"error: --out '{grid}' exists; name another file.")));
        }
        finally
        {
            if (Directory.Exists(run)) Directory.Delete(run, true);
        }
    }

    [Test]
    public void ImageSizeAndChannels_ShapeWhatTheEncoderSees_AndItsEmbeddings()
    {
        Images(Enumerable.Range(0, 12).Select(i => $"img{i:D2}.png").ToArray());
        var run = Path.Combine(root, "run");
        var error = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["train", "--dataset", root, "--image-size", "24", "--channels", "1", "--epochs", "1", "--batch-size", "8",
            "--device", "cpu", "--no-eval", "--out", run], new StringWriter(), error);
        Assert.That(code, Is.EqualTo(0), error.ToString());
        using var model = EncoderModel.Load(run, Device.Cpu);
        Assert.That((model.ImageSize, model.Channels), Is.EqualTo((24, 1)));
        Assert.That(model.Embed(Path.Combine(root, "img00.png")), Has.Length.EqualTo(model.Dimension));
        error = new StringWriter();
        code = NativeContrast.Cli.CommandLine.Run(["train", "--image-size", "64", "--out", Path.Combine(root, "never")], new StringWriter(), error);
        Assert.That((code, error.ToString().Trim()), Is.EqualTo((2, "error: Fashion-MNIST's images are 28×28 grey: --image-size and --channels are for folders of images.")));
    }

    [TestCase("supcon")]
    [TestCase("triplet")]
    public void MethodsThatNeedLabels_RefuseIt(string method)
    {
        Images("a.png", "b.png", "c.png", "d.png");
        var error = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["train", "--dataset", root, "--method", method, "--device", "cpu", "--out", Path.Combine(root, "run")], new StringWriter(), error);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.ToString().Trim(), Does.StartWith($"error: --method {method} needs labels, and '{root}' is unlabelled"));
    }
}
