using NativeContrast.Data;

namespace NativeContrast.Tests.Data;

public class IdxFileTests
{
    private string folder = null!;

    [SetUp]
    public void SetUp() => folder = Directory.CreateTempSubdirectory("nc-idx-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(folder, recursive: true);

    [TestCase(false)]
    [TestCase(true)]
    public void GoodFile_ReadsDimensionsAndData(bool gzip)
    {
        var data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)i).ToArray();
        var path = IdxFiles.Write(folder, "x-idx3-ubyte", IdxFiles.Bytes([2, 3, 4], data), gzip);
        var array = IdxFile.Read(path);
        Assert.That(array.Dimensions, Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(array.Data, Is.EqualTo(data));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Truncated_SaysHowManyBytesAreMissing(bool gzip)
    {
        var bytes = IdxFiles.Bytes([10, 5], new byte[50]);
        var path = IdxFiles.Write(folder, "t", bytes[..^7], gzip);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("truncated").And.Contain("need 50").And.Contain("has 43"));
    }

    [Test]
    public void WrongMagic_IsNamed()
    {
        var bytes = IdxFiles.Bytes([3], new byte[3]);
        bytes[0] = 0x42;
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(IdxFiles.Write(folder, "m", bytes, false)));
        Assert.That(e!.Message, Does.Contain("not an IDX file"));
    }

    [Test]
    public void UnsupportedType_IsNamed()
    {
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(IdxFiles.Write(folder, "f", IdxFiles.Bytes([2], new byte[8], type: 0x0D), false)));
        Assert.That(e!.Message, Does.Contain("0x0D"));
    }

    [Test]
    public void LongerThanItsDimensions_IsRejected()
    {
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(IdxFiles.Write(folder, "l", IdxFiles.Bytes([4], new byte[6]), false)));
        Assert.That(e!.Message, Does.Contain("longer than its dimensions [4]"));
    }

    [Test]
    public void CorruptGzip_NamesTheFile()
    {
        var path = IdxFiles.Write(folder, "c", IdxFiles.Bytes([100], new byte[100]), gzip: true);
        var bytes = File.ReadAllBytes(path);
        for (int i = 12; i < bytes.Length - 8; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Catch<Exception>(() => IdxFile.Read(path));
        Assert.That(e, Is.InstanceOf<InvalidDataException>());
        Assert.That(e!.Message, Does.Contain(path));
    }

    [Test]
    public void MismatchedImagesAndLabels_AreRejected()
    {
        var images = new IdxArray([3, 2, 2], new byte[12]);
        var labels = new IdxArray([4], new byte[4]);
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.FromIdx(images, labels, FashionMnist.ClassNames, "test"));
        Assert.That(e!.Message, Does.Contain("3 images but labels of shape [4]"));
    }
}
