using System.Text.Json;
using NativeContrast.Losses;
using NativeContrast.Training;

namespace NativeContrast.Tests.Training;

/// <summary>
/// The selecting settings are enums in code and names in config.json and on the command line (<see cref="Names"/>):
/// run folders written before the enums (names as strings) still load, and new ones are written with the same names.
/// </summary>
public class TrainingConfigTests
{
    [Test]
    public void ConfigJson_KeepsTheNames_AndRunsWrittenWithStringsStillLoad()
    {
        const string written = """{"Method": "moco", "Encoder": "resnet18", "Optimizer": "adamw", "Mining": "semihard", "Epochs": 2}""";
        var config = JsonSerializer.Deserialize<TrainingConfig>(written)!;
        Assert.That((config.Method, config.Encoder, config.Optimizer, config.Mining, config.Epochs),
            Is.EqualTo((TrainingMethod.MoCo, EncoderKind.ResNet18, OptimizerKind.AdamW, TripletMining.SemiHard, 2)));
        var json = JsonSerializer.Serialize(new TrainingConfig());
        Assert.That(json, Does.Contain("\"Method\":\"simclr\"").And.Contain("\"Encoder\":\"small-cnn\"").And.Contain("\"Optimizer\":\"lars\"").And.Contain("\"Mining\":\"hard\""));
    }

    [Test]
    public void Names_RoundTrip_AndAnUnknownNameListsTheChoices()
    {
        foreach (var method in Enum.GetValues<TrainingMethod>())
            Assert.That(Names.Parse<TrainingMethod>(Names.Of(method), "method"), Is.EqualTo(method));
        Assert.That(Names.All<EncoderKind>(), Is.EqualTo(new[] { "small-cnn", "resnet18" }));
        var error = Assert.Throws<ArgumentException>(() => Names.Parse<OptimizerKind>("adam", "optimizer"))!;
        Assert.That(error.Message, Is.EqualTo("Unknown optimizer 'adam'; use lars, sgd, adamw."));
    }
}
