using System.CommandLine;
using NativeContrast.Data;
using NativeContrast.IO;
using NativeContrast.Training;

namespace NativeContrast.Cli;

/// <summary>
/// <c>nativecontrast embed --run DIR --input (folder|idx) --out emb.npy</c>: embeds images with a run's
/// encoder and writes float32 [N, D] (.npy). A folder's images are taken in class-folder order and
/// their labels written next to the output as <c>OUT.labels.npy</c>.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var run = new Option<string>("--run") { Description = "Run folder (or checkpoint file).", Required = true };
        var input = new Option<string>("--input") { Description = "An IDX image file ([N, H, W], raw or .gz) or a folder with one sub-folder per class.", Required = true };
        var outPath = new Option<FileInfo>("--out") { Description = "Where to write the embeddings (.npy, float32 [N, D]).", Required = true };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => "cpu" };
        var command = new Command("embed", "Embed images with a trained encoder into a .npy file.");
        foreach (var o in new Option[] { run, input, outPath, device }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            using var d = Device.Create(parse.GetValue(device)!, error);
            using var model = EncoderModel.Load(parse.GetValue(run)!, d);
            var source = parse.GetValue(input)!;
            ImageDataset data;
            if (Directory.Exists(source))
            {
                var folder = ImageFolder.Load(source, model.ImageSize, model.Channels, log: error);
                data = folder.Dataset;
            }
            else
            {
                var images = IdxFile.Read(source);
                if (images.Dimensions.Length != 3)
                    throw new InvalidDataException($"'{source}': expected IDX images [N, H, W]; got dimensions [{string.Join(", ", images.Dimensions)}].");
                data = new ImageDataset(images.Data, new int[images.Dimensions[0]], 1, images.Dimensions[1], images.Dimensions[2], ["unlabelled"]);
            }
            var embeddings = model.Embed(data);
            var path = parse.GetValue(outPath)!.FullName;
            NpyFile.Write(path, embeddings, [data.Count, model.Dimension]);
            if (Directory.Exists(source)) NpyFile.Write(Path.ChangeExtension(path, null) + ".labels.npy", data.Labels, [data.Count]);
            output.WriteLine($"wrote {path}: {data.Count} × {model.Dimension} embeddings");
            return 0;
        });
        return command;
    }
}
