// Finds the images of a folder most like a query image, with an encoder trained by `nativecontrast train`.
//   dotnet run --project samples/ImageSearch -- RUN_FOLDER IMAGE_FOLDER QUERY_IMAGE [K]
using NativeContrast.Data;
using NativeContrast.Evaluation;
using NativeContrast.Training;

if (args.Length is < 3 or > 4)
{
    Console.Error.WriteLine("usage: ImageSearch RUN_FOLDER IMAGE_FOLDER QUERY_IMAGE [K]");
    return 2;
}
var (run, folder, query) = (args[0], args[1], args[2]);
int k = args.Length == 4 ? int.Parse(args[3]) : 5;

// The run's encoder, on the CPU (pass a Device for a GPU).
using var model = EncoderModel.Load(run);

// Every image of the folder, decoded and resized the way training saw images, embedded, and indexed by file name.
var images = ImageFolder.Load(folder, model.ImageSize, model.Channels, labels: FolderLabels.None).Dataset;
var index = new EmbeddingIndex(model.Dimension);
index.Add(model.Embed(images), images.Files!);

// The query's nearest neighbours by cosine similarity, best first.
foreach (var hit in index.Search(model.Embed(query), k))
    Console.WriteLine($"{hit.Similarity:F4}  {hit.Name}");
return 0;
