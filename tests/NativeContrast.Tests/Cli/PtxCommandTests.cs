namespace NativeContrast.Tests.Cli;

/// <summary>
/// The fast-path kernels compile to PTX without a GPU (ILGPU's PTX backend), and, where ptxas is at hand
/// ($NC_PTXAS or PATH; .ci/run extracts Debian's), assemble with no stack frame and no spills.
/// </summary>
[NonParallelizable]
public class PtxCommandTests
{
    private string folder = "";

    [SetUp]
    public void CreateFolder() => folder = Directory.CreateTempSubdirectory("nc-ptx-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(folder, recursive: true);

    [Test]
    public void FastPathKernels_CompileToPtx_WithTensorCoreMma()
    {
        var output = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["ptx", "--arch", "sm_90", "--out", folder, "--ptxas", "/nonexistent/ptxas"], output, new StringWriter());
        Assert.That(code, Is.EqualTo(2), "a ptxas path that does not exist is an error");
        code = NativeContrast.Cli.CommandLine.Run(["ptx", "--arch", "sm_90", "--out", folder], output, new StringWriter());
        Assert.That(code, Is.EqualTo(0), output.ToString());
        var files = Directory.GetFiles(folder, "*.ptx").Select(Path.GetFileName).ToArray();
        Assert.That(files, Is.EquivalentTo(new[]
        {
            "ContrastiveKernels.RowStatsTiled.ptx", "ContrastiveKernels.GradientTiled.ptx",
            "ContrastiveKernels.RowStatsTiledVector.ptx", "ContrastiveKernels.GradientTiledVector.ptx",
            "ContrastiveKernels.RowStatsTensorCore.Tf32Operands.ptx", "ContrastiveKernels.GradientTensorCore.Tf32Operands.ptx",
            "ContrastiveKernels.RowStatsTensorCore.SplitTf32Operands.ptx", "ContrastiveKernels.GradientTensorCore.SplitTf32Operands.ptx",
            "ContrastiveKernels.TripletMineTiled.ptx",
            "ConvolutionKernels.ImplicitGemmTiled.ConvForwardGemm.ptx", "ConvolutionKernels.ImplicitGemmTiled.ConvDataGemm.ptx",
            "ConvolutionKernels.ImplicitGemmTiled.ConvFilterGemm.ptx",
        }));
        // Variant 3 runs one mma per tile and k-step, variant 5 (3xTF32) three: 8 tiles × 4 k-steps (16 × 32 per stage) in the similarity
        // loop, and 8 more tiles × 8 k-steps in the gradient's W × slice loop, written out once each.
        foreach (var (operands, perTile) in new[] { ("Tf32Operands", 1), ("SplitTf32Operands", 3) })
        {
            string rowStats = File.ReadAllText(Path.Combine(folder, $"ContrastiveKernels.RowStatsTensorCore.{operands}.ptx"));
            Assert.That(rowStats, Does.Contain(".entry").And.Contain(".reg .f32 S<32>, G<32>;"), operands);
            Assert.That(Count(rowStats, "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32"), Is.EqualTo(8 * perTile), $"{operands}: mma per k-step of the similarity loop");
            string gradient = File.ReadAllText(Path.Combine(folder, $"ContrastiveKernels.GradientTensorCore.{operands}.ptx"));
            Assert.That(Count(gradient, "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32"), Is.EqualTo(16 * perTile), $"{operands}: both products");
            // A lane's fragment elements k = t and t + 4 are loaded as one pair (ld.shared.v2).
            Assert.That(rowStats, Does.Contain("ld.shared.v2.b32"), operands);
            Assert.That(gradient, Does.Contain("ld.shared.v2.b32"), operands);
        }
        string tiled = File.ReadAllText(Path.Combine(folder, "ContrastiveKernels.RowStatsTiled.ptx"));
        Assert.That(tiled, Does.Contain("shfl.sync.bfly").And.Not.Contain("mma.sync"));
        // Variant 4's point: every shared-memory operand load of its products is a 16-byte vector load.
        foreach (var kernel in new[] { "RowStatsTiledVector", "GradientTiledVector" })
        {
            string ptx = File.ReadAllText(Path.Combine(folder, $"ContrastiveKernels.{kernel}.ptx"));
            Assert.That(ptx, Does.Contain("ld.shared.v4.f32").And.Not.Contain("ld.shared.f32"), kernel);
        }
        Assert.That(File.ReadAllText(Path.Combine(folder, "ContrastiveKernels.RowStatsTiled.ptx")), Does.Contain("ld.shared.f32").And.Not.Contain("ld.shared.v4"),
            "variant 2 loads scalars (the comparison the variants exist for)");
    }

    private static int Count(string text, string what)
    {
        int count = 0;
        for (int at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    [Test]
    public void BadArch_IsRefused()
    {
        var error = new StringWriter();
        Assert.That(NativeContrast.Cli.CommandLine.Run(["ptx", "--arch", "90", "--out", folder], new StringWriter(), error), Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain("--arch must look like sm_90"));
        Assert.That(NativeContrast.Cli.CommandLine.Run(["ptx", "--arch", "sm_50", "--out", folder], new StringWriter(), error), Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain("compute capability 6.0"));
    }

    [Test]
    public void WithPtxas_EveryKernelAssembles_WithNoStackFrameOrSpills()
    {
        string? ptxas = Environment.GetEnvironmentVariable("NC_PTXAS");
        ptxas ??= (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(p => Path.Combine(p, "ptxas")).FirstOrDefault(File.Exists);
        if (ptxas is null) Assert.Ignore("ptxas is not here (set NC_PTXAS; .ci/run extracts it from Debian's nvidia-cuda-toolkit)");
        var output = new StringWriter();
        int code = NativeContrast.Cli.CommandLine.Run(["ptx", "--arch", "sm_90", "--out", folder, "--ptxas", ptxas!], output, new StringWriter());
        Assert.That(code, Is.EqualTo(0), output.ToString());
        Assert.That(output.ToString(), Does.Contain("12 of 12 kernels assembled with no stack frame and no spills"));
    }
}
