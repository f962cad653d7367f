using NativeContrast.Data;

namespace NativeContrast.Tests.Data;

[NonParallelizable]
public class FashionMnistTests
{
    [Test]
    public void DataFolder_IsUsedFirst_AndLoadsBothSplits()
    {
        var folder = IdxFiles.FakeFashionMnist(40);
        try
        {
            var log = new StringWriter();
            var train = FashionMnist.Load("train", folder, log);
            var test = FashionMnist.Load("test", folder);
            Assert.That(log.ToString(), Does.Contain(folder).And.Contain("--data"));
            Assert.That((train.Count, train.Channels, train.Height, train.Width), Is.EqualTo((40, 1, 28, 28)));
            Assert.That(train.Labels.Take(12), Is.EqualTo(new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1 }));
            Assert.That(test.Pixels[0], Is.EqualTo(3));
            Assert.That(train.ClassNames[9], Is.EqualTo("Ankle boot"));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Test]
    public void EnvironmentVariable_IsUsedWithoutDataFolder()
    {
        var folder = IdxFiles.FakeFashionMnist(20);
        var before = Environment.GetEnvironmentVariable(FashionMnist.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, folder);
            Assert.That(FashionMnist.Locate(), Is.EqualTo(folder));
        }
        finally
        {
            Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, before);
            Directory.Delete(folder, true);
        }
    }

    [Test]
    public void MissingEverywhere_ListsEveryWayToGetIt()
    {
        var empty = Directory.CreateTempSubdirectory("nc-empty-").FullName;
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var env = Environment.GetEnvironmentVariable(FashionMnist.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", empty);
            Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, empty);
            FashionMnist.SystemFolder = Path.Combine(empty, "no-such-folder");
            var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Locate(allowDownload: false));
            Assert.That(e!.Message, Does.Contain("apt-get install dataset-fashion-mnist").And.Contain("--data DIR").And.Contain(FashionMnist.EnvironmentVariable).And.Contain(empty));
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", cache);
            Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, env);
            FashionMnist.SystemFolder = FashionMnist.DebianFolder;
            Directory.Delete(empty, true);
        }
    }

    [Test]
    public void DataFolderWithoutTheFiles_SaysWhichFiles()
    {
        var empty = Directory.CreateTempSubdirectory("nc-empty-").FullName;
        try
        {
            var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Locate(empty));
            Assert.That(e!.Message, Does.Contain(empty).And.Contain("train-images-idx3-ubyte"));
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }

    [Test]
    public void RealFiles_WhenInstalled_MatchTheRecordedChecksums()
    {
        if (!Directory.Exists(FashionMnist.DebianFolder)) Assert.Ignore("Debian's dataset-fashion-mnist is not installed.");
        foreach (var (stem, sha) in FashionMnist.Sha256)
            Assert.That(FashionMnist.ContentSha256(FashionMnist.FindFile(FashionMnist.DebianFolder, stem)!), Is.EqualTo(sha), stem);
        var test = FashionMnist.Load("test", FashionMnist.DebianFolder);
        Assert.That(test.Count, Is.EqualTo(10_000));
        Assert.That(Enumerable.Range(0, 10).Select(c => test.Labels.Count(l => l == c)), Is.All.EqualTo(1000));
    }
}
