using System.CommandLine;
using NativeContrast.Data;
using NativeContrast.IO;
using NativeContrast.Training;

namespace NativeContrast.Cli;

/// <summary>
/// <c>nativecontrast embed --run DIR --input (folder|idx) --out emb.npy</c>: embeds images with a run's
/// encoder and writes float32 [N, D] (.npy). A folder's images (labelled or not, as <c>train</c> reads folders) are
/// taken in ordinal order of their paths; <c>OUT.files.txt</c> names each row's file and, for a labelled folder,
/// <c>OUT.labels.npy</c> holds its class.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var run = new Option<string>("--run") { Description = "Run folder (or checkpoint file).", Required = true };
        var input = new Option<string>("--input") { Description = "An IDX image file ([N, H, W], raw or .gz) or a folder of images (class sub-folders or not).", Required = true };
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
                // Streamed: each image is decoded once, as its batch is embedded (no cache: none is read twice).
                var folder = ImageFolder.Open(source, model.ImageSize, model.Channels, cacheBytes: 0, log: error);
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
            var stem = Path.ChangeExtension(path, null);
            if (data.Files is { } files)
            {
                // One path per row, relative to the input folder, in row order: which image each embedding is.
                AtomicFile.WriteAllText(stem + ".files.txt", string.Join('\n', files) + "\n");
                output.WriteLine($"wrote {stem}.files.txt: the file of each row");
            }
            if (data.IsLabelled && Directory.Exists(source))
            {
                NpyFile.Write(stem + ".labels.npy", data.Labels, [data.Count]);
                output.WriteLine($"wrote {stem}.labels.npy: the class of each row ({string.Join(", ", data.ClassNames)})");
            }
            output.WriteLine($"wrote {path}: {data.Count} × {model.Dimension} embeddings");
            return 0;
        });
        return command;
    }
}
