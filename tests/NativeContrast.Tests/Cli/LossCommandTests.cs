using NativeContrast.Tests.Support;
namespace NativeContrast.Tests.Cli;

/// <summary>The <c>loss</c> command's errors: one line, non-zero exit, no stack trace.</summary>
public class LossCommandTests
{
    private static string Fixture(params string[] parts) => Path.Combine([TestContext.CurrentContext.TestDirectory, "Fixtures", .. parts]);

    [Test]
    public void MissingFile_OneLineError()
    {
        var (code, output, error) = CliRun.Run("loss", "--kind", "ntxent", "--input", "/nonexistent/z.npy");
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.StartWith("error: ").And.Contain("/nonexistent/z.npy").And.Not.Contain("\n"));
    }

    [Test]
    public void NotANpyFile_OneLineError()
    {
        var (code, _, error) = CliRun.Run("loss", "--kind", "ntxent", "--input", Fixture("losses", "manifest.json"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("not a .npy file").And.Not.Contain("\n"));
    }

    [Test]
    public void WrongShape_OneLineError()
    {
        var (code, _, error) = CliRun.Run("loss", "--kind", "ntxent", "--input", Fixture("npy", "i4.npy"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("float32 or float64 [N, D]").And.Contain("int32 [3]"));
    }

    [Test]
    public void LabelsOfWrongLength_OneLineError()
    {
        var (code, _, error) = CliRun.Run("loss", "--kind", "supcon", "--input", Fixture("losses", "supcon", "input.npy"), "--labels", Fixture("npy", "i4.npy"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--labels").And.Contain("int [20]"));
    }

    [Test]
    public void MissingKeys_SaysWhichOption()
    {
        var (code, _, error) = CliRun.Run("loss", "--kind", "clip", "--input", Fixture("losses", "clip", "input.npy"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Is.EqualTo("error: --kind clip needs --keys."));
    }

    [Test]
    public void BadTemperature_OneLineError()
    {
        var (code, _, error) = CliRun.Run("loss", "--kind", "ntxent", "--input", Fixture("losses", "ntxent_default", "input.npy"), "--temperature", "0");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("temperature").And.Not.Contain("\n"));
    }

    [TestCase("--tau-plus", "1", "error: --tau-plus must be in [0, 1); got 1.")]
    [TestCase("--tau-plus", "-0.1", "error: --tau-plus must be in [0, 1); got -0.1.")]
    [TestCase("--beta", "-1", "error: --beta must be a finite number ≥ 0; got -1.")]
    public void BadNegativeOptions_OneLineUsageError(string option, string value, string message)
    {
        var (code, output, error) = CliRun.Run("loss", "--kind", "hcl", "--input", Fixture("losses", "ntxent_default", "input.npy"), option, value);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(output, Is.Empty);
        Assert.That(error, Is.EqualTo(message));
    }

    [Test]
    public void FalseNegatives_NeedNtXentAndLabels_AndLabelsNeedAHandling()
    {
        var input = Fixture("losses", "ntxent_drop", "input.npy");
        var labels = Fixture("losses", "ntxent_drop", "labels.npy");
        var (code, _, error) = CliRun.Run("loss", "--kind", "ntxent", "--input", input, "--false-negatives", "drop");
        Assert.That((code, error), Is.EqualTo((2, "error: --false-negatives drop goes with --kind ntxent and --labels (one label per row, −1 where unknown).")));
        (code, _, error) = CliRun.Run("loss", "--kind", "ntxent", "--input", input, "--labels", labels);
        Assert.That((code, error), Is.EqualTo((2, "error: --kind ntxent reads --labels only to handle false negatives: add --false-negatives drop or attract.")));
        (code, _, error) = CliRun.Run("loss", "--kind", "dcl", "--input", input, "--labels", labels, "--false-negatives", "attract");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.StartWith("error: --false-negatives attract goes with --kind ntxent"));
    }

    [TestCase("0", "error: --top-k must be between 1 and 32; got 0.")]
    [TestCase("33", "error: --top-k must be between 1 and 32; got 33.")]
    [TestCase("22", "error: --top-k must be below the 22 negatives each of the 24 rows of --input has; got 22.")]
    public void DropTop_BadK_IsOneLineAndExitCode2(string k, string message)
    {
        var (code, output, error) = CliRun.Run("loss", "--kind", "ntxent", "--input", Fixture("losses", "ntxent_default", "input.npy"), "--false-negatives", "drop-top", "--top-k", k);
        Assert.That((code, output, error), Is.EqualTo((2, "", message)));
    }

    [Test]
    public void DropTop_TakesNoLabels_AndOnlyNtXent()
    {
        var input = Fixture("losses", "ntxent_drop", "input.npy");
        var (code, _, error) = CliRun.Run("loss", "--kind", "ntxent", "--input", input, "--labels", Fixture("losses", "ntxent_drop", "labels.npy"), "--false-negatives", "drop-top");
        Assert.That((code, error), Is.EqualTo((2, "error: --false-negatives drop-top goes with --kind ntxent and no --labels (it drops each row's most similar negatives).")));
        (code, _, error) = CliRun.Run("loss", "--kind", "dcl", "--input", input, "--false-negatives", "drop-top");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.StartWith("error: --false-negatives drop-top goes with --kind ntxent"));
    }

    [Test]
    public void UnknownKind_IsAParseError()
    {
        var (code, _, error) = CliRun.Run("loss", "--kind", "hinge", "--input", Fixture("losses", "clip", "input.npy"));
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(error, Does.Contain("hinge"));
    }
}
