namespace NativeContrast.IO;

/// <summary>
/// A file that is written whole or not at all: the bytes go to a temporary file beside it, which
/// <see cref="Commit"/> flushes to disk and renames over the target; disposing without a commit (an exception
/// on the way) deletes the temporary file, so an earlier version of the target stays as it was and nothing
/// stray is left. A missing folder is reported by the target's name, not the temporary file's.
/// </summary>
internal sealed class AtomicFile : IDisposable
{
    private readonly string path, temp;
    private FileStream? stream;

    private AtomicFile(string path, string temp, FileStream stream) => (this.path, this.temp, this.stream) = (path, temp, stream);

    /// <summary>The stream to write the contents to.</summary>
    public Stream Stream => Open;

    private FileStream Open => stream ?? throw new ObjectDisposedException(nameof(AtomicFile), $"'{path}' was already committed or abandoned.");

    /// <summary>Starts writing <paramref name="path"/>.</summary>
    public static AtomicFile Create(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Cannot write '{path}': the folder '{folder}' does not exist.");
        string temp = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            return new AtomicFile(path, temp, new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write '{path}': {e.Message}", e);
        }
    }

    /// <summary>Writes the whole of <paramref name="contents"/> to <paramref name="path"/>.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents)
    {
        using var file = Create(path);
        file.Stream.Write(contents);
        file.Commit();
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) to <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Flushes the contents to disk and puts them in place of the target.</summary>
    public void Commit()
    {
        var s = Open;
        s.Flush(flushToDisk: true);
        s.Dispose();
        stream = null;
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new IOException($"Cannot write '{path}': {e.Message}", e);
        }
    }

    /// <summary>Abandons an uncommitted file: the temporary file is deleted and the target left as it was.</summary>
    public void Dispose()
    {
        if (stream is null) return;
        stream.Dispose();
        stream = null;
        File.Delete(temp);
    }
}
