// The same peers as benchmarks/peers/losses_torch.py and simclr_step_torch.py, written with TorchSharp
// (what a .NET user would otherwise use): composed NT-Xent, SupCon and batch-hard triplet forward+backward
// (materialized N×N), and one SimCLR step of the small CNN. Median of the repetitions after two warm-ups.
//
// Usage: dotnet run -c Release --project benchmarks/peers/TorchSharpPeers -- [--n 1024 4096] [--d 128] [--reps 10] [--images 512] [--json]
using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

var ns = new List<int>();
int d = 128, reps = 10, images = 512;
bool json = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--n":
            while (i + 1 < args.Length && !args[i + 1].StartsWith("--")) ns.Add(int.Parse(args[++i]));
            break;
        case "--d": d = int.Parse(args[++i]); break;
        case "--reps": reps = int.Parse(args[++i]); break;
        case "--images": images = int.Parse(args[++i]); break;
        case "--json": json = true; break;
        default: throw new ArgumentException($"unknown argument '{args[i]}'");
    }
}
if (ns.Count == 0) ns.AddRange([1024, 4096]);
torch.set_num_threads(Environment.ProcessorCount);
if (!json) Console.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch CPU, {torch.get_num_threads()} threads");

void Report(string kind, int n, int dim, double medianMs, double minMs, double flop, double? imagesPerSecond = null)
{
    if (json)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"peer\": \"torchsharp\", \"kind\": \"{kind}\", \"n\": {n}, \"d\": {dim}, \"median_ms\": {medianMs:F3}, \"min_ms\": {minMs:F3}, \"gflops\": {(flop > 0 ? flop / medianMs / 1e6 : 0):F2}{(imagesPerSecond is { } r ? $", \"images_per_second\": {r:F1}" : "")}}}"));
    else
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{kind,-12} n={n,6} d={dim}: median {medianMs,8:F2} ms, min {minMs,8:F2} ms{(flop > 0 ? $", {flop / medianMs / 1e6,6:F1} GFLOP/s" : "")}{(imagesPerSecond is { } r2 ? $", {r2:F0} images/s" : "")}"));
}

(double Median, double Min) Time(Action step)
{
    step();
    step();
    var times = new double[reps];
    for (int r = 0; r < reps; r++)
    {
        long start = Stopwatch.GetTimestamp();
        step();
        times[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
    Array.Sort(times);
    return (times[reps / 2], times[0]);
}

foreach (int n in ns)
{
    var z = torch.randn(n, d, generator: new Generator(1)).requires_grad_(true);
    var labels = torch.arange(n) % (n / 8);
    foreach (var (kind, flop) in new[] { ("ntxent", 6.0 * n * n * d), ("supcon", 6.0 * n * n * d), ("triplet", 2.0 * n * n * d) })
    {
        var (median, min) = Time(() =>
        {
            using var scope = torch.NewDisposeScope();
            z.grad = null;
            var loss = kind switch
            {
                "ntxent" => Losses.NtXent(z, 0.1),
                "supcon" => Losses.SupCon(z, labels, 0.1),
                _ => Losses.Triplet(z, labels, 0.2),
            };
            loss.backward();
        });
        Report(kind, n, d, median, min, flop);
    }
}

{
    torch.manual_seed(1);
    var model = SmallCnn.Create();
    var optimizer = torch.optim.SGD(model.parameters(), 0.1, momentum: 0.9);
    var views = torch.rand(images, 1, 28, 28);
    var (median, min) = Time(() =>
    {
        using var scope = torch.NewDisposeScope();
        optimizer.zero_grad();
        Losses.NtXent(model.forward(views), 0.2).backward();
        optimizer.step();
    });
    Report("simclr-step", images, 0, median, min, 0, images / (median / 1000));
}

static class Losses
{
    public static Tensor NtXent(Tensor z, double tau)
    {
        long n = z.shape[0];
        var zn = F.normalize(z, dim: 1);
        var s = (zn.matmul(zn.T) / tau).masked_fill(torch.eye(n, dtype: ScalarType.Bool), double.NegativeInfinity);
        return F.cross_entropy(s, (torch.arange(n) + n / 2) % n);
    }

    public static Tensor SupCon(Tensor z, Tensor labels, double tau)
    {
        long n = z.shape[0];
        var zn = F.normalize(z, dim: 1);
        var self = torch.eye(n, dtype: ScalarType.Bool);
        var s = (zn.matmul(zn.T) / tau).masked_fill(self, double.NegativeInfinity);
        var logProb = s - torch.logsumexp(s, 1, keepdim: true);
        var positive = labels.unsqueeze(1).eq(labels.unsqueeze(0)).logical_and(self.logical_not());
        var count = positive.sum(1);
        var mean = torch.where(positive, logProb, torch.zeros_like(logProb)).sum(1) / count.clamp_min(1);
        return -mean[count > 0].mean();
    }

    public static Tensor Triplet(Tensor z, Tensor labels, double margin)
    {
        long n = z.shape[0];
        var zn = F.normalize(z, dim: 1);
        var dist = torch.cdist(zn, zn);
        var same = labels.unsqueeze(1).eq(labels.unsqueeze(0));
        var eye = torch.eye(n, dtype: ScalarType.Bool);
        var hardestPositive = dist.masked_fill(same.logical_not().logical_or(eye), double.NegativeInfinity).max(1).values;
        var hardestNegative = dist.masked_fill(same, double.PositiveInfinity).min(1).values;
        return F.relu(hardestPositive - hardestNegative + margin).mean();
    }
}

/// <summary>The engine's small CNN and projection head, layer for layer (164,064 parameters).</summary>
static class SmallCnn
{
    public static nn.Module<Tensor, Tensor> Create()
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        int cin = 1, index = 0;
        foreach (var (cout, stride) in new[] { (32, 1), (32, 2), (64, 1), (64, 2), (128, 2) })
        {
            layers.Add(($"conv{index}", nn.Conv2d(cin, cout, 3, stride: stride, padding: 1, bias: false)));
            layers.Add(($"bn{index}", nn.BatchNorm2d(cout)));
            layers.Add(($"relu{index++}", nn.ReLU()));
            cin = cout;
        }
        layers.Add(("pool", nn.AdaptiveAvgPool2d(1)));
        layers.Add(("flatten", nn.Flatten()));
        layers.Add(("fc1", nn.Linear(128, 128, hasBias: false)));
        layers.Add(("bn_head", nn.BatchNorm1d(128)));
        layers.Add(("relu_head", nn.ReLU()));
        layers.Add(("fc2", nn.Linear(128, 64)));
        return nn.Sequential(layers);
    }
}
