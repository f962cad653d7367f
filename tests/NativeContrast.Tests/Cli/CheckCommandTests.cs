namespace NativeContrast.Tests.Cli;

/// <summary>The check command the GPU runner uses: every kernel family against cpu in float64.</summary>
[NonParallelizable]
public class CheckCommandTests
{
    [Test]
    public void CheckOnCpu_PassesEveryCase()
    {
        var output = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["check", "--device", "cpu"], output, new StringWriter());
        Assert.That(code, Is.EqualTo(0), output.ToString());
        Assert.That(output.ToString(), Does.Contain("25 of 25 cases passed on cpu"));
    }

    [Test]
    public void CheckOnTheIlgpuCpuAccelerator_RunsTheGpuKernels()
    {
        var output = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["check", "--device", "ilgpu-cpu", "--only", "conv2d 3×3 s2"], output, new StringWriter());
        Assert.That(code, Is.EqualTo(0), output.ToString());
        Assert.That(output.ToString(), Does.Contain("1 of 1 cases passed on ilgpu-cpu"));
    }

    [Test]
    public void OnIlgpuDevices_EachLossRunsOncePerKernelVariant()
    {
        var output = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["check", "--device", "ilgpu-cpu", "--only", "ntxent 512×64 τ=0.1 [naive]"], output, new StringWriter());
        Assert.That(code, Is.EqualTo(0), output.ToString());
        Assert.That(output.ToString(), Does.Contain("TF32 cases ≤ 0.003").And.Contain("1 of 1 cases passed on ilgpu-cpu"));
        var listed = new StringWriter();
        NativeContrast.Cli.CommandLine.Run(["check", "--device", "cpu", "--only", "ntxent 512×64 τ=0.1"], listed, new StringWriter());
        Assert.That(listed.ToString(), Does.Contain("1 of 1 cases passed on cpu"), "cpu has one contrastive kernel: no variants");
    }

    [Test]
    public void BenchVariant_IsRecordedAndRefusedOffIlgpu()
    {
        var output = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["bench", "--kind", "ntxent", "--n", "64", "--d", "16", "--device", "ilgpu-cpu", "--variant", "tf32", "--reps", "1", "--json"],
            output, new StringWriter());
        Assert.That(code, Is.EqualTo(0), output.ToString());
        Assert.That(output.ToString(), Does.Contain("\"variant\": \"tf32\""));
        var error = new StringWriter();
        code = NativeContrast.Cli.CommandLine.Run(["bench", "--kind", "ntxent", "--device", "cpu", "--variant", "tiled"], new StringWriter(), error);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain("--variant applies to ILGPU devices"));
    }

    [Test]
    public void Bench_WarmsUpForTheGivenTime_BeforeTiming()
    {
        const int MaxWarmupCalls = 50; // BenchCommand.MaxWarmupCalls (internal to the command-line tool)
        static int WarmupCalls(params string[] options)
        {
            var output = new StringWriter();
            string[] rows = options.Contains("--n") ? [] : ["--n", "16"];
            int code = NativeContrast.Cli.CommandLine.Run(["bench", "--kind", "ntxent", "--d", "8", "--reps", "1", "--json", .. rows, .. options], output, new StringWriter());
            Assert.That(code, Is.EqualTo(0), output.ToString());
            using var json = System.Text.Json.JsonDocument.Parse(output.ToString());
            return json.RootElement.GetProperty("warmup_calls").GetInt32();
        }
        Assert.That(WarmupCalls("--warmup-s", "0"), Is.EqualTo(1), "0 s: one call");
        Assert.That(WarmupCalls(), Is.InRange(2, MaxWarmupCalls), "the default second repeats a step of 16 rows");
        Assert.That(WarmupCalls("--warmup-s", "30"), Is.EqualTo(MaxWarmupCalls), "capped");
        Assert.That(WarmupCalls("--n", "64", "--warmup-n", "16", "--warmup-s", "0"), Is.EqualTo(2), "one small call, then the first full-size one (its timed repetition)");
        var error = new StringWriter();
        Assert.That(NativeContrast.Cli.CommandLine.Run(["bench", "--kind", "ntxent", "--warmup-s", "-1"], new StringWriter(), error), Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain("--warmup-s ≥ 0"));
    }

    [Test]
    public void Bench_WarmsUpSmall_AndReportsTheMemoryBeyondInputsAndGradients()
    {
        var output = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["bench", "--kind", "ntxent", "--n", "1024", "--d", "64", "--warmup-n", "64", "--reps", "1", "--json"], output, new StringWriter());
        Assert.That(code, Is.EqualTo(0), output.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(output.ToString());
        double peak = json.RootElement.GetProperty("peak_tensor_mib").GetDouble(), beyond = json.RootElement.GetProperty("beyond_inputs_and_gradients_mib").GetDouble();
        double rows = 1024 * 64 * 4 / (double)(1 << 20);
        Assert.That(peak, Is.InRange(rows, rows + 0.0625), "above the inputs: the [1024, 64] gradient and O(N)");
        Assert.That(beyond, Is.InRange(0.0, 0.0625), "beyond inputs and gradients: O(N) norms and statistics, at most 64 bytes a row");
        var error = new StringWriter();
        code = NativeContrast.Cli.CommandLine.Run(["bench", "--kind", "ntxent", "--n", "64", "--warmup-n", "128"], new StringWriter(), error);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain("--warmup-n ≤ --n"));
    }

    [Test]
    public void AToleranceBelowFloat32Rounding_FailsAndSaysSo()
    {
        var output = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["check", "--device", "cpu", "--only", "matmul", "--tolerance", "1e-12"], output, new StringWriter());
        Assert.That(code, Is.EqualTo(1));
        Assert.That(output.ToString(), Does.Contain("FAIL").And.Contain("0 of 1 cases passed"));
    }
}
