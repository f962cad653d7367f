using NativeContrast.Data;

namespace NativeContrast.Training;

/// <summary>
/// The training and test splits a configuration names (Fashion-MNIST's own, in memory, or a seeded 80/20 split of an image
/// folder, labelled or not, streamed from its files through a cache of <c>cacheBytes</c> decoded bytes). Methods that need labels (SupCon, triplet, shown labels for false negatives) refuse an unlabelled folder.
/// </summary>
internal static class TrainingData
{
    public static (ImageDataset Train, ImageDataset Test) Load(TrainingConfig config, TextWriter? log, long cacheBytes = ImageFolder.DefaultCacheBytes)
    {
        ImageDataset train, test;
        if (config.Dataset == "fashion-mnist")
        {
            (train, test) = FashionMnist.LoadBoth(config.DataFolder, log);
        }
        else
        {
            var (size, channels) = config.ImageShape;
            var folder = ImageFolder.Open(config.Dataset, size, channels, cacheBytes, log: log, labels: config.Labels);
            if (!folder.Dataset.IsLabelled)
            {
                string? needs = config.Method is TrainingMethod.SupCon or TrainingMethod.Triplet ? $"--method {Names.Of(config.Method)}"
                    : config.FalseNegatives != Losses.FalseNegatives.Keep ? $"--false-negatives {Names.Of(config.FalseNegatives)}" : null;
                if (needs is not null)
                    throw new ArgumentException($"{needs} needs labels, and '{config.Dataset}' is unlabelled (its images are not in first-level class folders); " +
                        "train it with --method simclr or moco, or arrange it as FOLDER/CLASS/IMAGE.");
            }
            (train, test) = folder.Dataset.Split(0.2, config.Seed);
        }
        if (config.Subset > 0)
        {
            train = train.Subset(Enumerable.Range(0, Math.Min(config.Subset, train.Count)).ToArray());
            test = test.Subset(Enumerable.Range(0, Math.Min(Math.Max(config.Subset / 5, 50), test.Count)).ToArray());
        }
        return (train, test);
    }
}
