using System.Globalization;
using System.Text.Json;
using NativeContrast.IO;
using NativeContrast.Losses;
using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Losses;

/// <summary>
/// Every loss against reference values computed independently with PyTorch in float64
/// (Fixtures/losses/make_loss_fixtures.py made them): through the API in float64, and through the
/// <c>loss</c> command, which reads the same .npy files and writes float32 gradients.
/// </summary>
public class LossFixtureTests
{
    private static readonly string Root = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "losses");

    public static IEnumerable<TestCaseData> Cases()
    {
        using var manifest = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(Root, "manifest.json")));
        foreach (var c in manifest.RootElement.GetProperty("cases").EnumerateArray())
            yield return new TestCaseData(c.GetProperty("name").GetString()!, c.GetRawText()).SetName($"Fixture({c.GetProperty("name").GetString()})");
    }

    private static string? Fixture(string caseName, string array)
    {
        var path = Path.Combine(Root, caseName, array + ".npy");
        return System.IO.File.Exists(path) ? path : null;
    }

    private static Tensor Load(string path, bool requiresGrad)
    {
        var a = NpyFile.Read(path);
        return Tensor.FromArray(a.ToDoubleArray(), a.Shape.ToArray(), Device.Cpu, requiresGrad);
    }

    private static Tensor? Ints(string? path) => path is null ? null : Tensor.FromArray(NpyFile.Read(path).ToIntArray("fixture"), [(int)NpyFile.Read(path).Count]);

    [TestCaseSource(nameof(Cases))]
    public void Api_MatchesPyTorch(string name, string json)
    {
        using var entry = JsonDocument.Parse(json);
        var c = entry.RootElement;
        using var scope = TensorScope.Begin();
        var z = Load(Fixture(name, "input")!, true);
        var keysPath = Fixture(name, "keys");
        var k = keysPath is null ? null : Load(keysPath, true);
        var labels = Ints(Fixture(name, "labels"));
        var positives = Ints(Fixture(name, "positives"));
        bool normalize = c.GetProperty("normalize").GetBoolean();
        var loss = c.GetProperty("kind").GetString() switch
        {
            "ntxent" when c.TryGetProperty("top_k", out var topK) => new NtXentLoss(c.GetProperty("temperature").GetDouble(), normalize)
                .ForwardDropTop(z, positives, topK.GetInt32()).Loss,
            "ntxent" when c.TryGetProperty("false_negatives", out var handling) => new NtXentLoss(c.GetProperty("temperature").GetDouble(), normalize)
                .Forward(z, positives, labels!, handling.GetString() == "drop" ? FalseNegatives.Drop : FalseNegatives.Attract),
            "ntxent" => new NtXentLoss(c.GetProperty("temperature").GetDouble(), normalize).Forward(z, positives),
            "infonce" => new InfoNceLoss(c.GetProperty("temperature").GetDouble(), normalize).Forward(z, k!, positives),
            "clip" => new ClipLoss(c.GetProperty("temperature").GetDouble(), normalize).Forward(z, k!),
            "supcon" => new SupConLoss(c.GetProperty("temperature").GetDouble(), normalize).Forward(z, labels!),
            "dcl" => new DecoupledContrastiveLoss(c.GetProperty("temperature").GetDouble(), normalize).Forward(z, positives),
            "debiased" or "hcl" => new DebiasedContrastiveLoss(c.GetProperty("tau_plus").GetDouble(), c.GetProperty("beta").GetDouble(),
                c.GetProperty("temperature").GetDouble(), normalize).Forward(z, positives),
            _ => new TripletLoss(c.GetProperty("margin").GetDouble(),
                c.GetProperty("mining").GetString() == "hard" ? TripletMining.Hard : TripletMining.SemiHard,
                c.GetProperty("distance").GetString() switch { "cosine" => DistanceMetric.Cosine, "squared" => DistanceMetric.SquaredEuclidean, _ => DistanceMetric.Euclidean },
                c.GetProperty("soft_margin").GetBoolean(), normalize).Forward(z, labels!),
        };
        loss.Backward();
        double expected = c.GetProperty("loss").GetDouble();
        Assert.That(loss.Item(), Is.EqualTo(expected).Within(1e-10 * Math.Max(1, Math.Abs(expected))));
        Close.Assert(z.Grad!.ToDoubleArray(), NpyFile.Read(Fixture(name, "grad")!).ToDoubleArray(), 1e-11, 1e-8, $"{name} gradient");
        if (k is not null)
            Close.Assert(k.Grad!.ToDoubleArray(), NpyFile.Read(Fixture(name, "keys_grad")!).ToDoubleArray(), 1e-11, 1e-8, $"{name} keys gradient");
    }

    [TestCaseSource(nameof(Cases))]
    public void LossCommand_MatchesPyTorch(string name, string json)
    {
        using var entry = JsonDocument.Parse(json);
        var c = entry.RootElement;
        var dir = Directory.CreateTempSubdirectory("nc-loss-");
        try
        {
            var args = new List<string> { "loss", "--kind", c.GetProperty("kind").GetString()!, "--input", Fixture(name, "input")!, "--grad-out", Path.Combine(dir.FullName, "g.npy") };
            if (Fixture(name, "keys") is { } keys) args.AddRange(["--keys", keys, "--keys-grad-out", Path.Combine(dir.FullName, "gk.npy")]);
            if (Fixture(name, "labels") is { } labels) args.AddRange(["--labels", labels]);
            if (Fixture(name, "positives") is { } positives) args.AddRange(["--positives", positives]);
            args.AddRange(["--normalize", c.GetProperty("normalize").GetBoolean() ? "true" : "false"]);
            if (c.TryGetProperty("temperature", out var t)) args.AddRange(["--temperature", t.GetDouble().ToString("R", CultureInfo.InvariantCulture)]);
            if (c.TryGetProperty("false_negatives", out var handling)) args.AddRange(["--false-negatives", handling.GetString()!]);
            if (c.TryGetProperty("top_k", out var topK)) args.AddRange(["--top-k", topK.GetInt32().ToString(CultureInfo.InvariantCulture)]);
            if (c.TryGetProperty("tau_plus", out var tauPlus)) args.AddRange(["--tau-plus", tauPlus.GetDouble().ToString("R", CultureInfo.InvariantCulture)]);
            if (c.TryGetProperty("beta", out var beta) && c.GetProperty("kind").GetString() == "hcl") args.AddRange(["--beta", beta.GetDouble().ToString("R", CultureInfo.InvariantCulture)]);
            if (c.TryGetProperty("margin", out var m))
            {
                args.AddRange(["--margin", m.GetDouble().ToString("R", CultureInfo.InvariantCulture), "--mining", c.GetProperty("mining").GetString()!,
                    "--distance", c.GetProperty("distance").GetString()!]);
                if (c.GetProperty("soft_margin").GetBoolean()) args.Add("--soft-margin");
            }
            var output = new StringWriter();
            var error = new StringWriter();
            int code = NativeContrast.Cli.CommandLine.Run(args.ToArray(), output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString());
            using var result = JsonDocument.Parse(output.ToString().Trim());
            double expected = c.GetProperty("loss").GetDouble();
            Assert.That(result.RootElement.GetProperty("loss").GetDouble(), Is.EqualTo(expected).Within(1e-10 * Math.Max(1, Math.Abs(expected))));
            Assert.That(result.RootElement.GetProperty("device").GetString(), Is.EqualTo("cpu"));
            Assert.That(result.RootElement.GetProperty("ms").GetDouble(), Is.GreaterThan(0));
            var g = NpyFile.Read(Path.Combine(dir.FullName, "g.npy"));
            Assert.That(g.Descr, Is.EqualTo("<f4"));
            Close.Assert(g.ToDoubleArray(), NpyFile.Read(Fixture(name, "grad")!).ToDoubleArray(), 1e-7, 1e-5, $"{name} gradient file");
            if (Fixture(name, "keys") is not null)
                Close.Assert(NpyFile.Read(Path.Combine(dir.FullName, "gk.npy")).ToDoubleArray(), NpyFile.Read(Fixture(name, "keys_grad")!).ToDoubleArray(), 1e-7, 1e-5, $"{name} keys gradient file");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
