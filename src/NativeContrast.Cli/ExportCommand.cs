using System.CommandLine;
using NativeContrast.Training;

namespace NativeContrast.Cli;

/// <summary>
/// <c>nativecontrast export --run DIR --out encoder.onnx [--normalize true|false] [--overwrite]</c>: writes a run's encoder as
/// an ONNX model (opset 17; input <c>images</c> [N, C, H, W] in [0, 1], output <c>embeddings</c> [N, D]) for ONNX Runtime,
/// ML.NET or any other ONNX consumer. An existing file is kept unless <c>--overwrite</c> is given.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var run = new Option<string>("--run") { Description = "Run folder (or checkpoint file).", Required = true };
        var outPath = new Option<FileInfo>("--out") { Description = "The ONNX file to write.", Required = true };
        var normalize = new Option<bool>("--normalize") { Description = "L2-normalize the embeddings inside the model, as embed does.", DefaultValueFactory = _ => true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing file at --out." };
        var command = new Command("export", "Export a run's encoder as an ONNX model.");
        foreach (var o in new Option[] { run, outPath, normalize, overwrite }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(outPath)!.FullName;
            if (File.Exists(path) && !parse.GetValue(overwrite))
                throw new IOException($"'{path}' exists; give --overwrite to replace it.");
            if (Directory.Exists(path)) throw new IOException($"'{path}' is a folder; --out takes a file name (encoder.onnx).");
            using var model = EncoderModel.Load(parse.GetValue(run)!, Device.Cpu);
            bool normalized = parse.GetValue(normalize);
            model.ExportOnnx(path, normalized);
            output.WriteLine($"wrote {path}: {Names.Of(model.Config.Encoder)}, input images [N, {model.Channels}, {model.ImageSize}, {model.ImageSize}] " +
                $"float32 in [0, 1], output embeddings [N, {model.Dimension}]{(normalized ? ", L2-normalized" : "")}; ONNX opset {Onnx.OnnxExporter.Opset}, " +
                $"{new FileInfo(path).Length / 1024.0:F0} KiB");
            return 0;
        });
        return command;
    }
}
