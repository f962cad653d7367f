using NativeContrast.Tests.Data;
using SixLabors.ImageSharp;

namespace NativeContrast.Tests.Cli;

public class AugmentCommandTests
{
    [Test]
    public void WritesAPngGrid_OfImagesAndViews()
    {
        var folder = IdxFiles.FakeFashionMnist(12);
        var png = Path.Combine(folder, "grid.png");
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int code = NativeContrast.Cli.CommandLine.Run(["augment", "--dataset", "fashion-mnist", "--data", folder, "--out", png, "--images", "3", "--views", "4"], output, error);
            Assert.That(code, Is.EqualTo(0), error.ToString());
            var info = Image.Identify(png);
            // 5 columns (original + 4 views) and 3 rows of 28·4-pixel cells with 2-pixel gaps.
            Assert.That((info.Width, info.Height), Is.EqualTo((5 * 114 + 2, 3 * 114 + 2)));
            Assert.That(output.ToString(), Does.Contain("3 images × (original + 4 views)"));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
