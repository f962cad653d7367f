namespace NativeContrast.Data;

/// <summary>
/// One epoch of a <see cref="DataLoader"/>: images gathered (decoded, for a streamed dataset), the loader's own time doing
/// it, and the time the consumer waited for a batch — near zero when the loader keeps up with training.
/// </summary>
internal sealed record LoaderStatistics(int Images, TimeSpan LoadTime, TimeSpan WaitTime)
{
    /// <summary>Images per second of the loader's own time.</summary>
    public double ImagesPerSecond => Images / Math.Max(LoadTime.TotalSeconds, 1e-9);
}
