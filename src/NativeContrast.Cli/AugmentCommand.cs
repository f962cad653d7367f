using System.CommandLine;
using NativeContrast.Augmentation;
using NativeContrast.Data;
using NativeContrast.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NativeContrast.Cli;

/// <summary>
/// <c>nativecontrast augment</c>: a PNG grid to look at what the augmentations do — one row per image,
/// the original first, then its augmented views, each cell enlarged for viewing.
/// </summary>
internal static class AugmentCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist, or a folder with one sub-folder per class.", DefaultValueFactory = _ => "fashion-mnist" };
        var data = new Option<string?>("--data") { Description = "Folder holding the Fashion-MNIST files (else $NATIVECONTRAST_DATA, the user cache, /usr/share/datasets/fashion-mnist)." };
        var outPath = new Option<FileInfo>("--out") { Description = "PNG file to write.", Required = true };
        var images = new Option<int>("--images") { Description = "Rows: how many images.", DefaultValueFactory = _ => 8 };
        var views = new Option<int>("--views") { Description = "Augmented views per image.", DefaultValueFactory = _ => 6 };
        var preset = new Option<string>("--preset") { Description = "grayscale28 (Fashion-MNIST) or simclr.", DefaultValueFactory = _ => "grayscale28" };
        preset.AcceptOnlyFromAmong("grayscale28", "simclr");
        var size = new Option<int>("--size") { Description = "Image size for folders and the simclr preset.", DefaultValueFactory = _ => 32 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "cpu, ilgpu-cpu, cuda[:N], opencl[:N] or auto.", DefaultValueFactory = _ => "cpu" };
        var command = new Command("augment", "Write a PNG grid of images and their augmented views.");
        foreach (var o in new Option[] { dataset, data, outPath, images, views, preset, size, seed, device }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            int rows = parse.GetValue(images), count = parse.GetValue(views);
            if (rows < 1 || count < 1) throw new ArgumentException($"--images and --views must be at least 1; got {rows} and {count}.");
            var name = parse.GetValue(dataset)!;
            var set = name == "fashion-mnist"
                ? FashionMnist.Load("train", parse.GetValue(data), error)
                : ImageFolder.Load(name, parse.GetValue(size), 3, log: error).Dataset;
            rows = Math.Min(rows, set.Count);
            var pipeline = parse.GetValue(preset) == "simclr" ? Augmentations.SimClr(set.Height) : Augmentations.Grayscale28();
            using var d = Device.Create(parse.GetValue(device)!, error);
            using var scope = TensorScope.Begin();
            var originals = set.Images(Enumerable.Range(0, rows).ToArray(), d);
            var augmented = pipeline.Views(originals, count, parse.GetValue(seed));
            var path = parse.GetValue(outPath)!.FullName;
            WriteGrid(path, originals.ToFloatArray(), augmented.ToFloatArray(), rows, count, set.Channels, augmented.Shape[2], augmented.Shape[3], set.Height, set.Width);
            output.WriteLine($"wrote {path}: {rows} images × (original + {count} views), preset {parse.GetValue(preset)}");
            return 0;
        });
        return command;
    }

    /// <summary>Cells of the larger of the two sizes, enlarged 4× (nearest neighbour), 2-pixel gaps, written as PNG via a temporary file.</summary>
    private static void WriteGrid(string path, float[] originals, float[] views, int rows, int count, int channels, int viewH, int viewW, int imageH, int imageW)
    {
        const int Zoom = 4, Gap = 2;
        int cellH = Math.Max(viewH, imageH) * Zoom, cellW = Math.Max(viewW, imageW) * Zoom;
        int width = (count + 1) * (cellW + Gap) + Gap, height = rows * (cellH + Gap) + Gap;
        using var grid = new Image<Rgb24>(width, height, new Rgb24(255, 255, 255));
        void Draw(float[] source, int index, int h, int w, int row, int column)
        {
            int plane = h * w, start = index * channels * plane;
            for (int y = 0; y < h * Zoom; y++)
                for (int x = 0; x < w * Zoom; x++)
                {
                    int k = y / Zoom * w + x / Zoom;
                    byte Level(int c) => (byte)Math.Clamp((int)Math.Round(source[start + Math.Min(c, channels - 1) * plane + k] * 255), 0, 255);
                    grid[Gap + column * (cellW + Gap) + x, Gap + row * (cellH + Gap) + y] = new Rgb24(Level(0), Level(1), Level(2));
                }
        }
        for (int r = 0; r < rows; r++)
        {
            Draw(originals, r, imageH, imageW, r, 0);
            for (int v = 0; v < count; v++) Draw(views, v * rows + r, viewH, viewW, r, v + 1);
        }
        using var file = AtomicFile.Create(path);
        grid.SaveAsPng(file.Stream);
        file.Commit();
    }
}
