using NativeContrast.IO;

namespace NativeContrast.Tests.IO;

/// <summary>The .npy reader on files NumPy wrote (Fixtures/npy/make_npy_fixtures.py), the writer by round trip, and corrupt input.</summary>
public class NpyFileTests
{
    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "npy", name);

    private static readonly double[] Expected = Enumerable.Range(0, 12).Select(i => i / 8.0 - 0.5).ToArray();

    [TestCase("f4.npy")]
    [TestCase("f8.npy")]
    [TestCase("f4_big_endian.npy")]
    [TestCase("v2.npy")]
    public void FloatFilesFromNumPy_ReadExactly(string file)
    {
        var a = NpyFile.Read(Fixture(file));
        Assert.That(a.Shape, Is.EqualTo(new[] { 3, 4 }));
        Assert.That(a.ToDoubleArray(), Is.EqualTo(Expected));
    }

    [Test]
    public void IntFilesFromNumPy_ReadAsInt32()
    {
        Assert.That(NpyFile.Read(Fixture("i8.npy")).ToIntArray("labels"), Is.EqualTo(new[] { 3, -1, 7, int.MaxValue }));
        Assert.That(NpyFile.Read(Fixture("i4.npy")).ToIntArray("labels"), Is.EqualTo(new[] { 3, -1, 7 }));
        Assert.That(NpyFile.Read(Fixture("scalar.npy")).Shape, Is.Empty);
    }

    [TestCase("i8_too_big.npy", "does not fit in int32")]
    [TestCase("fortran.npy", "Fortran order")]
    [TestCase("u1.npy", "supported are float32")]
    public void UnsupportedContent_SaysWhat(string file, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(Fixture(file)).ToIntArray("labels"));
        Assert.That(e!.Message, Does.Contain(message));
    }

    [Test]
    public void FloatsAsLabels_AreRefused() =>
        Assert.That(Assert.Throws<InvalidDataException>(() => NpyFile.Read(Fixture("f4.npy")).ToIntArray("labels"))!.Message, Does.Contain("must hold integers"));

    [Test]
    public void TruncatedFile_NamesTheByteCounts()
    {
        var bytes = File.ReadAllBytes(Fixture("f8.npy"));
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Parse(bytes[..^5], "cut.npy"));
        Assert.That(e!.Message, Does.Contain("cut.npy").And.Contain("96 data bytes").And.Contain("91"));
    }

    [Test]
    public void NotANpyFile_SaysSo() =>
        Assert.That(Assert.Throws<InvalidDataException>(() => NpyFile.Parse("hello, world"u8.ToArray(), "x.txt"))!.Message, Does.Contain("not a .npy file"));

    [Test]
    public void MissingFile_IsAnIOExceptionNamingIt() =>
        Assert.That(Assert.Throws<IOException>(() => NpyFile.Read("/nonexistent/z.npy"))!.Message, Does.Contain("/nonexistent/z.npy"));

    [Test]
    public void Write_RoundTrips_AndNumPyLayoutIsAligned()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nc-{Guid.NewGuid():N}.npy");
        try
        {
            var values = Enumerable.Range(0, 10).Select(i => (float)Math.Sin(i)).ToArray();
            NpyFile.Write(path, values, [2, 5]);
            var bytes = File.ReadAllBytes(path);
            Assert.That((bytes.Length - 40) % 64, Is.EqualTo(0), "data starts on a 64-byte boundary");
            var a = NpyFile.Read(path);
            Assert.That(a.Descr, Is.EqualTo("<f4"));
            Assert.That(a.Shape, Is.EqualTo(new[] { 2, 5 }));
            Assert.That(a.ToFloatArray(), Is.EqualTo(values));
            NpyFile.Write(path, new[] { 4, 5, 6 }, [3]);
            Assert.That(NpyFile.Read(path).ToIntArray("x"), Is.EqualTo(new[] { 4, 5, 6 }));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".tmp-*"), Is.Empty, "no temp file left");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void RandomCorruption_GivesOnlyInvalidData()
    {
        // Cheap fuzzing: flip, cut and extend bytes of a real file; the reader must either parse it into
        // an array whose size matches its shape or throw InvalidDataException, nothing else.
        var original = File.ReadAllBytes(Fixture("f4.npy"));
        var rng = new Random(42);
        for (int trial = 0; trial < 3000; trial++)
        {
            var bytes = original.ToArray();
            int flips = rng.Next(1, 4);
            for (int f = 0; f < flips; f++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            if (rng.Next(4) == 0) bytes = bytes[..rng.Next(bytes.Length)];
            if (rng.Next(8) == 0) bytes = [.. bytes, .. new byte[rng.Next(1, 9)]];
            try
            {
                var a = NpyFile.Parse(bytes, "fuzz");
                Assert.That(a.ToDoubleArray().Length, Is.EqualTo(a.Count));
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
