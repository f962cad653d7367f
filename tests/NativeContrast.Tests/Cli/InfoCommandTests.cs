namespace NativeContrast.Tests.Cli;

public class InfoCommandTests
{
    [Test]
    public void Info_ListsCpuAndIlgpuCpu_AndTheAutoPick()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["info"], output, error);
        Assert.That(code, Is.EqualTo(0), error.ToString());
        var text = output.ToString();
        Assert.That(text, Does.Match(@"(?m)^\s+cpu\s+ok"));
        Assert.That(text, Does.Match(@"(?m)^\s+ilgpu-cpu\s+ok"));
        Assert.That(text, Does.Match(@"(?m)^auto: \S+"));
    }

    [Test]
    public void UnknownDevice_GivesOneLineErrorAndExitCode2()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["train", "--device", "tpu"], output, error);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.ToString().Trim(), Does.StartWith("error: Unknown device 'tpu'").And.Not.Contain("\n"));
    }
}
