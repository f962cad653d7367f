using System.Diagnostics;
using System.Text;
using CsCheck;
using NativeContrast.Data;
using NativeContrast.IO;
using NativeContrast.Tests.Data;
using NativeContrast.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NativeContrast.Tests.IO;

/// <summary>
/// Property-based fuzzing (CsCheck: random, seeded — a failure prints the seed that reproduces it — and shrinking) of
/// every file reader: valid files mutated by bit flips, byte overwrites, truncation, inserted bytes and 32-bit header
/// edits (absurd shapes, lengths and offsets) must load, or end in the reader's own typed error that names the file —
/// never another exception type, a hang, or an allocation larger than the file plus a fixed bound. Each property runs
/// for a bounded time (a few seconds); the longer campaign with SharpFuzz is in tests/Fuzz/README.md.
/// </summary>
public class ReaderFuzzTests
{
    /// <summary>Seconds per property: long enough for thousands of cases, short enough for CI.</summary>
    private const int Seconds = 2;

    /// <summary>Bytes a reader may allocate beyond a fixed multiple of the file's size.</summary>
    private const long FixedBound = 4L << 20;

    /// <summary>An edit: kind (0 flip a bit, 1 overwrite a byte, 2 truncate, 3 insert bytes, 4 write a 32-bit value), where, and a value.</summary>
    private static readonly Gen<(int Kind, int Position, int Value)[]> Edits =
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Gen.Int).Array[1, 4];

    private static byte[] Mutate(byte[] valid, (int Kind, int Position, int Value)[] edits)
    {
        var bytes = new List<byte>(valid);
        foreach (var (kind, position, value) in edits)
        {
            if (bytes.Count == 0) break;
            int at = position % bytes.Count;
            switch (kind)
            {
                case 0: bytes[at] ^= (byte)(1 << (value & 7)); break;
                case 1: bytes[at] = (byte)value; break;
                case 2: bytes.RemoveRange(at, bytes.Count - at); break;
                case 3: bytes.InsertRange(at, BitConverter.GetBytes(value).Take(1 + (position & 3))); break;
                default:
                    var word = BitConverter.GetBytes(value);
                    for (int i = 0; i < 4 && at + i < bytes.Count; i++) bytes[at + i] = word[i];
                    break;
            }
        }
        return [.. bytes];
    }

    /// <summary>
    /// Writes each mutation to a temp file and reads it with <paramref name="read"/>: success, or
    /// <typeparamref name="TError"/> naming the file, in under two seconds, allocating at most 16× the file plus a fixed bound.
    /// </summary>
    private static void Fuzz<TError>(string extension, byte[] valid, Action<string> read) where TError : Exception
    {
        var folder = Directory.CreateTempSubdirectory("nc-fuzz-").FullName;
        try
        {
            int cases = 0;
            Edits.Sample(edits =>
            {
                var bytes = Mutate(valid, edits);
                var path = Path.Combine(folder, $"{Guid.NewGuid():N}{extension}");
                File.WriteAllBytes(path, bytes);
                var clock = Stopwatch.StartNew();
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    read(path);
                }
                catch (TError e)
                {
                    if (!e.Message.Contains(path, StringComparison.Ordinal)) throw new Exception($"the error does not name the file: {e.Message}");
                }
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (allocated > 16L * bytes.Length + FixedBound) throw new Exception($"allocated {allocated} bytes for a {bytes.Length}-byte file");
                if (clock.Elapsed > TimeSpan.FromSeconds(2)) throw new Exception($"took {clock.Elapsed.TotalSeconds:F1} s");
                File.Delete(path);
                Interlocked.Increment(ref cases);
            }, time: Seconds, threads: 1);
            TestContext.Out.WriteLine($"{cases} mutated {extension} files read");
            Assert.That(cases, Is.GreaterThan(20));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void Npy_MutatedFiles_LoadOrGiveItsTypedError()
    {
        var folder = Directory.CreateTempSubdirectory("nc-fuzz-valid-").FullName;
        try
        {
            var path = Path.Combine(folder, "valid.npy");
            NpyFile.Write(path, Enumerable.Range(0, 24).Select(i => i * 0.5f).ToArray(), [4, 6]);
            Fuzz<InvalidDataException>(".npy", File.ReadAllBytes(path), p => NpyFile.Read(p));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void SafeTensors_MutatedFiles_LoadOrGiveItsTypedError()
    {
        var folder = Directory.CreateTempSubdirectory("nc-fuzz-valid-").FullName;
        try
        {
            var path = Path.Combine(folder, "valid.safetensors");
            using (var scope = TensorScope.Begin())
            {
                SafeTensors.Write(path, new Dictionary<string, Tensor>
                {
                    ["a.weight"] = Tensor.RandomNormal([3, 4], 1),
                    ["b"] = Tensor.FromArray(new[] { 1, 2, 3 }, [3]),
                }, new Dictionary<string, string> { ["config"] = "{}" });
            }
            Fuzz<InvalidDataException>(".safetensors", File.ReadAllBytes(path), p =>
            {
                var (tensors, _) = SafeTensors.Read(p);
                foreach (var t in tensors.Values) t.Dispose();
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void SafeTensors_HeaderEdits_AbsurdShapesAndOffsets_GiveItsTypedError()
    {
        // Structured edits of the JSON header, which byte mutations rarely keep valid JSON.
        var folder = Directory.CreateTempSubdirectory("nc-fuzz-").FullName;
        try
        {
            int cases = 0;
            Gen.Select(Gen.Int[0, 4], Gen.Long, Gen.Long, Gen.Int.Array[0, 4]).Sample((dtype, start, end, shape) =>
            {
                string type = new[] { "F32", "F64", "I32", "I64", "BF16" }[dtype];
                string header = $"{{\"t\":{{\"dtype\":\"{type}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{start},{end}]}}}}";
                var headerBytes = Encoding.UTF8.GetBytes(header);
                var bytes = BitConverter.GetBytes((ulong)headerBytes.Length).Concat(headerBytes).Concat(new byte[64]).ToArray();
                var path = Path.Combine(folder, $"{Guid.NewGuid():N}.safetensors");
                File.WriteAllBytes(path, bytes);
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    var (tensors, _) = SafeTensors.Read(path);
                    foreach (var t in tensors.Values) t.Dispose();
                }
                catch (InvalidDataException e) when (e.Message.Contains(path, StringComparison.Ordinal))
                {
                }
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (allocated > 16L * bytes.Length + FixedBound) throw new Exception($"allocated {allocated} bytes for {header}");
                File.Delete(path);
                cases++;
            }, time: Seconds, threads: 1);
            Assert.That(cases, Is.GreaterThan(20));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Idx_MutatedFiles_RawAndGzip_LoadOrGiveItsTypedError(bool gzip)
    {
        var folder = Directory.CreateTempSubdirectory("nc-fuzz-valid-").FullName;
        try
        {
            var bytes = IdxFiles.Bytes([3, 4, 5], Enumerable.Range(0, 60).Select(i => (byte)i).ToArray());
            var path = IdxFiles.Write(folder, "valid-idx3-ubyte", bytes, gzip);
            Fuzz<InvalidDataException>(gzip ? ".gz" : ".idx", File.ReadAllBytes(path), p => IdxFile.Read(p));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void ConfigJson_MutatedFiles_LoadOrGiveItsTypedError()
    {
        var valid = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new TrainingConfig()));
        Fuzz<InvalidDataException>(".json", valid, p =>
        {
            // ReadConfig takes a run folder: each case gets one.
            var run = Path.Combine(Path.GetDirectoryName(p)!, Path.GetFileNameWithoutExtension(p));
            Directory.CreateDirectory(run);
            File.Move(p, Path.Combine(run, "config.json"));
            try
            {
                Trainer.ReadConfig(run);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException(e.Message.Replace(Path.Combine(run, "config.json"), p, StringComparison.Ordinal), e);
            }
            finally
            {
                Directory.Delete(run, recursive: true);
            }
        });
    }

    [Test]
    public void Images_MutatedFiles_LoadOrAreSkippedByName_NeverThrow()
    {
        var valid = new MemoryStream();
        using (var image = new Image<Rgb24>(12, 9, new Rgb24(10, 200, 30))) image.SaveAsPng(valid);
        var jpeg = new MemoryStream();
        using (var image = new Image<Rgb24>(12, 9, new Rgb24(10, 200, 30))) image.SaveAsJpeg(jpeg);
        foreach (var (extension, bytes) in new[] { (".png", valid.ToArray()), (".jpg", jpeg.ToArray()) })
        {
            Fuzz<InvalidDataException>(extension, bytes, p =>
            {
                // One class folder holding the mutated image and one good one, so the folder always loads.
                var root = Path.Combine(Path.GetDirectoryName(p)!, Path.GetFileNameWithoutExtension(p));
                Directory.CreateDirectory(Path.Combine(root, "a"));
                File.WriteAllBytes(Path.Combine(root, "a", "good.png"), valid.ToArray());
                var mutated = Path.Combine(root, "a", "mutated" + extension);
                File.Move(p, mutated);
                try
                {
                    var result = ImageFolder.Load(root, size: 8, maxPixels: 100_000);
                    if (result.Dataset.Count == 1 && !result.Problems.Any(q => q.Contains(mutated, StringComparison.Ordinal)))
                        throw new Exception("a skipped image was not named");
                }
                finally
                {
                    Directory.Delete(root, recursive: true);
                }
            });
        }
    }
}
