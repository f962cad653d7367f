namespace NativeContrast.Data;

/// <summary>The images that loaded, and one line per file that was skipped (path and reason).</summary>
public sealed record ImageFolderResult(ImageDataset Dataset, IReadOnlyList<string> Problems);
