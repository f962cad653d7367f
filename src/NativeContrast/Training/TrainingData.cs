using NativeContrast.Data;

namespace NativeContrast.Training;

/// <summary>The training and test splits a configuration names (Fashion-MNIST's own, or a seeded 80/20 split of an image folder).</summary>
public static class TrainingData
{
    public static (ImageDataset Train, ImageDataset Test) Load(TrainingConfig config, TextWriter? log)
    {
        ImageDataset train, test;
        if (config.Dataset == "fashion-mnist")
        {
            (train, test) = FashionMnist.LoadBoth(config.DataFolder, log);
        }
        else
        {
            var folder = ImageFolder.Load(config.Dataset, 32, 3, log: log);
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
