using NativeContrast.Data;
using NativeContrast.IO;
using NativeContrast.Training;
using SharpFuzz;

namespace NativeContrast.Fuzz;

/// <summary>
/// afl-fuzz target for one file reader (the first argument: npy, safetensors, idx, config, image). A reader's own typed
/// error (InvalidDataException) is an expected outcome; any other exception, a hang or a crash is a finding.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        string target = args.Length > 0 ? args[0] : "npy";
        string scratch = Path.Combine(Path.GetTempPath(), $"nc-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(scratch);
        Fuzzer.OutOfProcess.Run(stream =>
        {
            var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            try
            {
                Read(target, bytes.ToArray(), scratch);
            }
            catch (InvalidDataException)
            {
            }
        });
    }

    private static void Read(string target, byte[] bytes, string scratch)
    {
        switch (target)
        {
            case "npy":
                NpyFile.Parse(bytes, "input.npy");
                break;
            case "idx":
                IdxFile.Read(new MemoryStream(bytes), "input-idx");
                break;
            case "safetensors":
            {
                string path = Path.Combine(scratch, "input.safetensors");
                File.WriteAllBytes(path, bytes);
                var (tensors, _) = SafeTensors.Read(path);
                foreach (var t in tensors.Values) t.Dispose();
                break;
            }
            case "config":
            {
                string run = Path.Combine(scratch, "run");
                Directory.CreateDirectory(run);
                File.WriteAllBytes(Path.Combine(run, "config.json"), bytes);
                Trainer.ReadConfig(run);
                break;
            }
            case "image":
            {
                string root = Path.Combine(scratch, "images");
                Directory.CreateDirectory(Path.Combine(root, "a"));
                File.WriteAllBytes(Path.Combine(root, "a", "input.png"), bytes);
                // Throws only when no image loads: that is InvalidDataException, expected.
                ImageFolder.Load(root, size: 8, maxPixels: 1_000_000);
                break;
            }
            default:
                throw new ArgumentException($"Unknown target '{target}'; use npy, idx, safetensors, config or image.");
        }
    }
}
