using NativeContrast.Losses;
using NativeContrast.Tests.Support;

namespace NativeContrast.Tests.Losses;

/// <summary>
/// Every loss of <see cref="LossCatalog"/> through the same checks, read from the catalog (a new entry is
/// covered without a new test), and a throw-away loss defined here, in the test project alone, that the same
/// checks accept — and reject when its reference is wrong.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class LossCatalogTests
{
    private static IEnumerable<TestCaseData> Entries() => LossCatalog.All.Select(l => new TestCaseData(l).SetArgDisplayNames(l.Name));

    [TestCaseSource(nameof(Entries))]
    public void EveryLoss_FusedEqualsItsComposedReference(LossDefinition loss)
    {
        CatalogLossCheck.AssertFusedEqualsReference(loss, new LossOptions { Temperature = 0.2 }, 12, 17, 5, seed: 1);
        // Sizes across the cpu tiles' edges (row blocks of 192, column tiles of 256).
        CatalogLossCheck.AssertFusedEqualsReference(loss, new LossOptions { Temperature = 0.07 }, 260, 300, 9, seed: 2);
    }

    [TestCaseSource(nameof(Entries))]
    public void EveryLoss_Backward_MatchesFiniteDifferences(LossDefinition loss) =>
        CatalogLossCheck.AssertBackwardMatchesFiniteDifferences(loss, new LossOptions { Temperature = 0.3, Margin = 0.5 }, 6, 7, 4, seed: 1);

    [Test]
    public void NtXentDropTop_ThroughTheCatalog_PassesTheSameChecks()
    {
        var ntxent = LossCatalog.Get("ntxent");
        CatalogLossCheck.AssertFusedEqualsReference(ntxent, new LossOptions { Temperature = 0.2, FalseNegatives = FalseNegatives.DropTop, TopK = 4 }, 12, 12, 5, seed: 1);
        CatalogLossCheck.AssertFusedEqualsReference(ntxent, new LossOptions { Temperature = 0.07, FalseNegatives = FalseNegatives.DropTop, TopK = 8 }, 260, 260, 9, seed: 2);
        CatalogLossCheck.AssertBackwardMatchesFiniteDifferences(ntxent, new LossOptions { Temperature = 0.3, FalseNegatives = FalseNegatives.DropTop, TopK = 2 }, 8, 8, 4, seed: 1);
    }

    [Test]
    public void Names_AreUnique_AndGetNamesTheChoicesForAnUnknownOne()
    {
        Assert.That(LossCatalog.Names, Is.Unique);
        var error = Assert.Throws<ArgumentException>(() => LossCatalog.Get("ntxnet"))!;
        Assert.That(error.Message, Does.StartWith("Unknown loss 'ntxnet'; use ntxent, infonce, clip, supcon, dcl, debiased, hcl, triplet."));
    }

    /// <summary>
    /// A loss the engine does not have: NT-Xent averaged over two temperatures, built from the fused NT-Xent,
    /// with its reference from the composed one. Defined in this test alone.
    /// </summary>
    private static LossDefinition TwoTemperatureNtXent(double referenceFactor) => new(
        "ntxent-two-tau", "NT-Xent at τ and 2τ, averaged (a test's throw-away loss)",
        LossInputKinds.None, LossInputKinds.None, [nameof(LossOptions.Temperature)],
        (x, o) => (new NtXentLoss(o.Temperature).Forward(x.Embeddings) + new NtXentLoss(2 * o.Temperature).Forward(x.Embeddings)) * 0.5,
        (x, o) =>
        {
            var pairs = NtXentLoss.DefaultPositives(x.Embeddings.Shape[0], x.Embeddings.Device).ToIntArray();
            return (ComposedLosses.NtXent(x.Embeddings, pairs, o.Temperature, true)
                + ComposedLosses.NtXent(x.Embeddings, pairs, referenceFactor * o.Temperature, true)) * 0.5;
        },
        (n, m, d, o) => 12.0 * n * n * d);

    [Test]
    public void AThrowAwayLoss_AddedThroughACatalogEntryAlone_PassesTheSameChecks_AndAWrongReferenceFailsThem()
    {
        var options = new LossOptions { Temperature = 0.25 };
        CatalogLossCheck.AssertFusedEqualsReference(TwoTemperatureNtXent(2.0), options, 10, 10, 4, seed: 3);
        CatalogLossCheck.AssertBackwardMatchesFiniteDifferences(TwoTemperatureNtXent(2.0), options, 6, 6, 3, seed: 3);
        Assert.Throws<AssertionException>(() => CatalogLossCheck.AssertFusedEqualsReference(TwoTemperatureNtXent(3.0), options, 10, 10, 4, seed: 3),
            "a reference at another temperature must be caught");
    }
}
