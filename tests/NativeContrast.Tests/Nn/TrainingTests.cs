using NativeContrast.Losses;
using NativeContrast.Nn;
using NativeContrast.Optim;

namespace NativeContrast.Tests.Nn;

public class TrainingTests
{
    [Test]
    public void SmallCnn_TrainedOnAFixedBatch_LowersNtXent()
    {
        using var encoder = new SmallCnn(seed: 1);
        using var head = new ProjectionHead();
        var parameters = encoder.NamedParameters().Concat(head.NamedParameters()).ToList();
        using var optimizer = new Sgd(parameters, learningRate: 0.1, momentum: 0.9);
        using var images = Tensor.RandomUniform([32, 1, 28, 28], 5);
        // Two "views": the images and a slightly noised copy.
        using var noise = Tensor.RandomNormal([32, 1, 28, 28], 6, std: 0.05);
        var losses = new List<double>();
        for (int step = 0; step < 8; step++)
        {
            using var scope = TensorScope.Begin();
            var views = Tensor.Concat([images, images + noise]);
            var loss = new NtXentLoss(0.2).Forward(head.Forward(encoder.Forward(views)));
            loss.Backward();
            optimizer.Step();
            optimizer.ZeroGrad();
            losses.Add(loss.Item());
        }
        TestContext.Out.WriteLine(string.Join(", ", losses.Select(l => l.ToString("F3"))));
        Assert.That(losses.Last(), Is.LessThan(losses.First() - 0.3));
    }
}
