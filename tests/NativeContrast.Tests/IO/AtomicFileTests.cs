using NativeContrast.IO;

namespace NativeContrast.Tests.IO;

/// <summary>
/// Files written whole or not at all: a write that fails half-way leaves the earlier file as it was and no temporary
/// file; a missing folder is reported by the target's name. The .npy and safetensors writers go through it.
/// </summary>
public class AtomicFileTests
{
    private string folder = "";

    [SetUp]
    public void CreateFolder() => folder = Directory.CreateTempSubdirectory("nc-atomic-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(folder, recursive: true);

    [Test]
    public void AWriteThatFailsHalfWay_LeavesTheEarlierFile_AndNoTemporaryFile()
    {
        string path = Path.Combine(folder, "checkpoint.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<InvalidOperationException>(() =>
        {
            using var file = AtomicFile.Create(path);
            file.Stream.Write(new byte[1000]);
            throw new InvalidOperationException("the writer failed");
        });
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EqualTo(new[] { "checkpoint.bin" }));

        using (var file = AtomicFile.Create(path))
        {
            file.Stream.Write([4, 5]);
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 1, 2, 3 }), "the target changes only at the commit");
            file.Commit();
        }
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 4, 5 }));
        Assert.That(Directory.GetFiles(folder), Has.Length.EqualTo(1));
    }

    [Test]
    public void AMissingFolder_IsReportedByTheTargetsName()
    {
        string path = Path.Combine(folder, "no-such-folder", "grad.npy");
        var e = Assert.Throws<DirectoryNotFoundException>(() => NpyFile.Write(path, new float[] { 1f, 2f }, [2]));
        Assert.That(e!.Message, Does.Contain($"Cannot write '{path}'").And.Contain("does not exist").And.Not.Contain(".tmp"));
        var data = Data.IdxFiles.FakeFashionMnist(16);
        try
        {
            var error = new StringWriter();
            int code = NativeContrast.Cli.CommandLine.Run(["augment", "--data", data, "--images", "2", "--views", "2", "--out", path.Replace("grad.npy", "grid.png")],
                new StringWriter(), error);
            Assert.That(code, Is.EqualTo(2), error.ToString());
            Assert.That(error.ToString(), Does.Contain("does not exist").And.Not.Contain(".tmp"));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }
}
