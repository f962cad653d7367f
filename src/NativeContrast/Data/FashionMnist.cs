using System.Net.Http;
using System.Security.Cryptography;

namespace NativeContrast.Data;

/// <summary>
/// Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test images of 28×28 grayscale
/// clothing in 10 classes. Files are looked for, in this order, in: the folder given (<c>--data</c>; when
/// given, only there),
/// <c>$NATIVECONTRAST_DATA</c>, the user cache folder (<see cref="CacheFolder"/>), and
/// <c>/usr/share/datasets/fashion-mnist</c> (Debian's <c>dataset-fashion-mnist</c>), each file gzipped
/// or not. When none has them they are downloaded into the cache and checked against the SHA-256 of
/// their decompressed IDX data (the same for the official files and Debian's recompressed ones).
/// </summary>
public static class FashionMnist
{
    /// <summary>The ten class names, by label.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Environment variable naming a folder that holds the data files.</summary>
    public const string EnvironmentVariable = "NATIVECONTRAST_DATA";

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Where the system-wide copy is looked for (<see cref="DebianFolder"/>; tests point it elsewhere).</summary>
    internal static string SystemFolder { get; set; } = DebianFolder;

    /// <summary>Where the files are downloaded from when no folder has them.</summary>
    public const string DownloadBase = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    /// <summary>File stem → SHA-256 of the decompressed IDX bytes.</summary>
    internal static readonly IReadOnlyDictionary<string, string> Sha256 = new Dictionary<string, string>
    {
        ["train-images-idx3-ubyte"] = "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        ["train-labels-idx1-ubyte"] = "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        ["t10k-images-idx3-ubyte"] = "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        ["t10k-labels-idx1-ubyte"] = "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    };

    /// <summary>The per-user cache: <c>$XDG_CACHE_HOME/nativecontrast/fashion-mnist</c> or <c>~/.cache/nativecontrast/fashion-mnist</c>.</summary>
    public static string CacheFolder
    {
        get
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "nativecontrast", "fashion-mnist");
        }
    }

    /// <summary>Loads the <c>train</c> or <c>test</c> split.</summary>
    public static ImageDataset Load(string split = "train", string? dataFolder = null, TextWriter? log = null, bool allowDownload = true)
    {
        string prefix = split switch
        {
            "train" => "train",
            "test" => "t10k",
            _ => throw new ArgumentException($"Fashion-MNIST split must be 'train' or 'test'; got '{split}'.", nameof(split)),
        };
        return LoadFrom(Locate(dataFolder, log, allowDownload), prefix, split);
    }

    /// <summary>Both splits, from the one folder <see cref="Locate"/> finds.</summary>
    public static (ImageDataset Train, ImageDataset Test) LoadBoth(string? dataFolder = null, TextWriter? log = null, bool allowDownload = true)
    {
        var folder = Locate(dataFolder, log, allowDownload);
        return (LoadFrom(folder, "train", "train"), LoadFrom(folder, "t10k", "test"));
    }

    private static ImageDataset LoadFrom(string folder, string prefix, string split)
    {
        var images = IdxFile.Read(FindFile(folder, $"{prefix}-images-idx3-ubyte")!);
        var labels = IdxFile.Read(FindFile(folder, $"{prefix}-labels-idx1-ubyte")!);
        return FromIdx(images, labels, ClassNames, $"Fashion-MNIST {split}");
    }

    /// <summary>An image dataset from IDX images [N, H, W] and labels [N] (MNIST and Fashion-MNIST alike).</summary>
    public static ImageDataset FromIdx(IdxArray images, IdxArray labels, IReadOnlyList<string> classNames, string what)
    {
        if (images.Dimensions.Length != 3) throw new InvalidDataException($"{what}: image file has dimensions [{string.Join(", ", images.Dimensions)}], expected [N, H, W].");
        if (labels.Dimensions.Length != 1 || labels.Dimensions[0] != images.Dimensions[0])
            throw new InvalidDataException($"{what}: {images.Dimensions[0]} images but labels of shape [{string.Join(", ", labels.Dimensions)}].");
        var y = labels.Data.Select(b => (int)b).ToArray();
        int bad = Array.FindIndex(y, v => v >= classNames.Count);
        if (bad >= 0) throw new InvalidDataException($"{what}: label {y[bad]} of image {bad} is not one of the {classNames.Count} classes.");
        return new ImageDataset(images.Data, y, 1, images.Dimensions[1], images.Dimensions[2], classNames);
    }

    /// <summary>The first folder, in the documented order, that holds all four files; downloads them into the cache when none does.</summary>
    public static string Locate(string? dataFolder = null, TextWriter? log = null, bool allowDownload = true)
    {
        // A folder given explicitly is the only one looked at: silently using another copy would surprise.
        if (!string.IsNullOrEmpty(dataFolder))
        {
            if (Sha256.Keys.All(stem => FindFile(dataFolder, stem) is not null))
            {
                log?.WriteLine($"Fashion-MNIST: using {dataFolder} (--data)");
                return dataFolder;
            }
            throw new FileNotFoundException($"Fashion-MNIST: '{dataFolder}' (--data) does not hold the four files ({string.Join(", ", Sha256.Keys.Select(k => k + "[.gz]"))}).");
        }
        var candidates = new List<(string Folder, string Source)>();
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env)) candidates.Add((env, $"${EnvironmentVariable}"));
        candidates.Add((CacheFolder, "the user cache"));
        candidates.Add((SystemFolder, "Debian's dataset-fashion-mnist"));
        foreach (var (folder, source) in candidates)
        {
            if (Sha256.Keys.All(stem => FindFile(folder, stem) is not null))
            {
                log?.WriteLine($"Fashion-MNIST: using {folder} ({source})");
                return folder;
            }
        }
        if (!allowDownload) throw new FileNotFoundException(NotFoundMessage(null));
        try
        {
            Download(CacheFolder, log);
            return CacheFolder;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new FileNotFoundException(NotFoundMessage(e.Message), e);
        }
    }

    private static string NotFoundMessage(string? downloadError) =>
        "Fashion-MNIST was not found and " + (downloadError is null ? "downloading was not allowed" : $"could not be downloaded ({downloadError})") + ". Any one of these fixes it: " +
        $"(1) on Debian/Ubuntu, `sudo apt-get install dataset-fashion-mnist` (installs to {DebianFolder}); " +
        $"(2) put the four files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, from {DownloadBase} or https://github.com/zalandoresearch/fashion-mnist) into {CacheFolder}; " +
        $"(3) put them anywhere and pass --data DIR or set {EnvironmentVariable}=DIR.";

    /// <summary>stem.gz or stem in the folder, or null.</summary>
    internal static string? FindFile(string folder, string stem)
    {
        foreach (var name in new[] { stem + ".gz", stem })
        {
            var path = Path.Combine(folder, name);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>Downloads the four files into <paramref name="folder"/>, each to a temporary name, checked, then renamed.</summary>
    private static void Download(string folder, TextWriter? log) => Download(folder, DownloadBase, Sha256, log);

    /// <summary>
    /// Downloads <c>stem.gz</c> for each of <paramref name="checksums"/> from <paramref name="baseUrl"/> into
    /// <paramref name="folder"/>: to a <c>.part</c> file, with a progress line at every quarter, checked against its
    /// SHA-256, then renamed. A failed transfer or a wrong checksum is tried once more; a second failure is one clear
    /// error, and no partial file is left behind.
    /// </summary>
    internal static void Download(string folder, string baseUrl, IReadOnlyDictionary<string, string> checksums, TextWriter? log)
    {
        Directory.CreateDirectory(folder);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        foreach (var (stem, expected) in checksums)
        {
            var target = Path.Combine(folder, stem + ".gz");
            var temp = target + ".part";
            string url = baseUrl + stem + ".gz";
            for (int attempt = 1; ; attempt++)
            {
                string? failure = null;
                try
                {
                    log?.WriteLine($"Fashion-MNIST: downloading {url}{(attempt > 1 ? " (second try)" : "")}");
                    Fetch(http, url, temp, stem, log);
                    var actual = ContentSha256(temp);
                    if (actual == expected)
                    {
                        File.Move(temp, target, overwrite: true);
                        break;
                    }
                    failure = $"its SHA-256 is {actual}, expected {expected}";
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    failure = e.Message;
                }
                File.Delete(temp);
                if (attempt == 2)
                    throw new InvalidDataException($"Fashion-MNIST: {url} failed twice ({failure}); nothing was kept. " +
                        $"Put the four files into {folder} by hand, or install Debian's dataset-fashion-mnist.");
                log?.WriteLine($"Fashion-MNIST: {stem}.gz failed ({failure}); trying once more");
            }
        }
    }

    /// <summary>Streams one file to <paramref name="path"/>, writing a progress line at 25, 50, 75 and 100 %.</summary>
    private static void Fetch(HttpClient http, string url, string path, string stem, TextWriter? log)
    {
        using var response = http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        long? total = response.Content.Headers.ContentLength;
        using var input = response.Content.ReadAsStream();
        using var output = File.Create(path);
        var buffer = new byte[81920];
        long done = 0;
        int reported = 0;
        for (int n; (n = input.Read(buffer)) > 0;)
        {
            output.Write(buffer, 0, n);
            done += n;
            if (total is > 0 && done * 4 / total.Value > reported)
            {
                reported = (int)(done * 4 / total.Value);
                log?.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"  {stem}.gz {reported * 25} % ({done / 1e6:F1} of {total.Value / 1e6:F1} MB)"));
            }
        }
    }

    /// <summary>SHA-256 (hex) of a file's IDX bytes, decompressed when gzipped.</summary>
    public static string ContentSha256(string path)
    {
        using var file = File.OpenRead(path);
        bool gzip = file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
        file.Position = 0;
        using Stream stream = gzip ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress) : file;
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
