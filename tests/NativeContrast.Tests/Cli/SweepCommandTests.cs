using System.Text.Json;
using System.Text.Json.Nodes;
using NativeContrast.Cli;
using NativeContrast.Tests.Data;

namespace NativeContrast.Tests.Cli;

/// <summary><c>sweep</c>: grid parsing, one run per combination through train, resuming (finished runs skipped), ranking.</summary>
[NonParallelizable]
public class SweepCommandTests
{
    private static readonly string[] Options = ["temperature", "lr", "batch-size", "seed"];

    [Test]
    public void Grid_ParsesIntoCombinations_LastSettingFastest()
    {
        var grid = SweepGrid.Parse(" temperature=0.1, 0.2 ; lr=0.3,1e-2 ", Options);
        var combinations = grid.Combinations().ToList();
        Assert.That(grid.Count, Is.EqualTo(4));
        Assert.That(combinations.Select(c => c.Name), Is.EqualTo(new[] { "temperature-0.1_lr-0.3", "temperature-0.1_lr-1e-2", "temperature-0.2_lr-0.3", "temperature-0.2_lr-1e-2" }));
        Assert.That(combinations[1].Arguments, Is.EqualTo(new[] { "--temperature", "0.1", "--lr", "1e-2" }));
    }

    [TestCase("temp=0.1", "'temp' is not a train option; use one of batch-size, lr, seed, temperature.")]
    [TestCase("temperature", "'temperature' is not SETTING=V1,V2,…")]
    [TestCase("temperature=0.1;temperature=0.2", "'temperature' is given twice.")]
    [TestCase("temperature=0.1,0.1", "'temperature' repeats a value.")]
    [TestCase(" ; ", "--grid is empty")]
    public void BadGrids_AreRefusedWithTheReason(string text, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => SweepGrid.Parse(text, Options))!;
        Assert.That(e.Message, Does.Contain(message));
    }

    [Test]
    public void Sweep_TrainsEachCombination_SkipsFinishedOnes_AndRanksByKnn()
    {
        var data = IdxFiles.FakeFashionMnist(64);
        var root = Path.Combine(data, "sweep");
        try
        {
            string[] args = ["sweep", "--grid", "temperature=0.2,0.5", "--out", root, "--data", data, "--epochs", "1", "--batch-size", "32", "--device", "cpu"];
            var output = new StringWriter();
            var error = new StringWriter();
            Assert.That(CommandLine.Run(args, output, error), Is.EqualTo(0), error.ToString() + output);
            Assert.That(output.ToString(), Does.Contain("[1/2] temperature-0.2: training").And.Contain("[2/2] temperature-0.5: training"));
            foreach (var name in new[] { "temperature-0.2", "temperature-0.5" })
                Assert.That(File.Exists(Path.Combine(root, name, "metrics.json")), Is.True, name);
            using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "temperature-0.5", "config.json"))))
                Assert.That(config.RootElement.GetProperty("Temperature").GetDouble(), Is.EqualTo(0.5));

            // Make the second run the better one, and run the same sweep again: nothing is retrained, the ranking follows kNN.
            var metricsPath = Path.Combine(root, "temperature-0.5", "metrics.json");
            var metrics = JsonNode.Parse(File.ReadAllText(metricsPath))!;
            metrics["knn_top20"] = 0.99;
            File.WriteAllText(metricsPath, metrics.ToJsonString());
            output = new StringWriter();
            Assert.That(CommandLine.Run(args, output, error), Is.EqualTo(0), error.ToString());
            var text = output.ToString();
            Assert.That(text, Does.Contain("[1/2] temperature-0.2: finished earlier, skipped").And.Contain("[2/2] temperature-0.5: finished earlier, skipped"));
            var ranking = text.Split('\n').SkipWhile(l => !l.StartsWith("rank", StringComparison.Ordinal)).Skip(1).Where(l => l.Length > 0).ToList();
            Assert.That(ranking[0], Does.StartWith("1     temperature-0.5  99.00"));
            Assert.That(ranking[1], Does.StartWith("2     temperature-0.2"));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    [Test]
    public void ASettingBothInTheGridAndGivenToTrain_IsRefused()
    {
        var error = new StringWriter();
        Assert.That(CommandLine.Run(["sweep", "--grid", "temperature=0.1", "--temperature", "0.3", "--out", "/nonexistent/sweep"], new StringWriter(), error), Is.EqualTo(2));
        Assert.That(error.ToString().Trim(), Is.EqualTo("error: --temperature is both in --grid and given to train; keep one."));
    }
}
