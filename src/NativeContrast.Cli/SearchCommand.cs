using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NativeContrast.Evaluation;
using NativeContrast.Training;

namespace NativeContrast.Cli;

/// <summary>
/// <c>nativecontrast search --run DIR --index E.npy --query IMG [--query IMG …] [--k 8] [--images DIR] [--out grid.png] [--json]</c>:
/// embeds the query images with the run's encoder (resized and cropped as training saw images), finds the k nearest rows
/// of the index by cosine similarity (<see cref="EmbeddingIndex"/>: exact, blockwise), prints one line per hit
/// (rank, similarity, path) or JSON lines, and draws a grid: each query on the left, its neighbours with their similarity.
/// </summary>
internal static class SearchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var run = new Option<string>("--run") { Description = "The run whose encoder made the index.", Required = true };
        var index = new Option<string>("--index") { Description = "Embeddings from embed (E.npy, with E.files.txt beside it naming the rows).", Required = true };
        var query = new Option<string[]>("--query") { Description = "An image to search for (repeat for several).", Required = true, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true };
        var k = new Option<int>("--k") { Description = "Neighbours per query.", DefaultValueFactory = _ => 8 };
        var images = new Option<string?>("--images") { Description = "The folder the index was embedded from (files.txt paths are relative to it); default: the current folder." };
        var png = new Option<string?>("--out") { Description = "Draw the queries and their neighbours into this PNG (an existing file is refused)." };
        var json = new Option<bool>("--json") { Description = "One JSON object per hit instead of text." };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => "cpu" };
        var command = new Command("search", "Find the images most like a query image in embeddings made by embed.");
        foreach (var o in new Option[] { run, index, query, k, images, png, json, device }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            int neighbours = parse.GetValue(k);
            if (neighbours < 1) throw new ArgumentException($"--k must be at least 1; got {neighbours}.");
            var outPath = parse.GetValue(png);
            if (outPath is not null && File.Exists(outPath)) throw new ArgumentException($"--out '{outPath}' exists; name another file.");
            var queries = parse.GetValue(query)!;
            using var d = Device.Create(parse.GetValue(device)!, error);
            using var model = EncoderModel.Load(parse.GetValue(run)!, d);
            var embeddings = EmbeddingIndex.Load(parse.GetValue(index)!);
            if (embeddings.Dimension != model.Dimension)
                throw new ArgumentException($"--index has {embeddings.Dimension}-dimensional rows but the run's encoder makes {model.Dimension}: embed the images with this run first.");
            var vectors = model.Embed(queries);
            var hits = embeddings.Search(vectors, queries.Length, neighbours);
            for (int q = 0; q < queries.Length; q++)
            {
                if (!parse.GetValue(json)) output.WriteLine($"query: {queries[q]}");
                for (int r = 0; r < hits[q].Count; r++)
                {
                    var hit = hits[q][r];
                    output.WriteLine(parse.GetValue(json)
                        ? JsonSerializer.Serialize(new { query = queries[q], rank = r + 1, similarity = Math.Round(hit.Similarity, 5), path = hit.Name, row = hit.Row })
                        : string.Create(CultureInfo.InvariantCulture, $"  {r + 1,3}  {hit.Similarity:F4}  {hit.Name}"));
                }
            }
            if (outPath is not null)
            {
                var folder = parse.GetValue(images);
                var rows = queries.Select((q, i) => (GridTile.FromFile(q, "query", Path.GetFileName(q)), (IReadOnlyList<GridTile>)hits[i].Select((hit, r) =>
                    GridTile.FromFile(folder is null ? hit.Name : Path.Combine(folder, hit.Name), string.Create(CultureInfo.InvariantCulture, $"{r + 1}. {hit.Similarity:F3}"), hit.Name)).ToList())).ToList();
                SearchGrid.Write(outPath, rows);
                if (!parse.GetValue(json)) output.WriteLine($"grid: {outPath}");
            }
            return 0;
        });
        return command;
    }
}
