namespace NativeContrast.Nn;

/// <summary>
/// Batch normalization with a learned scale γ (weight, starts at 1) and shift β (bias, starts at 0),
/// and running mean / variance buffers (start at 0 / 1) moved by <see cref="Momentum"/> in training
/// mode and used in evaluation mode. <see cref="BatchNorm1d"/> takes [N, C], <see cref="BatchNorm2d"/>
/// [N, C, H, W].
/// </summary>
public abstract class BatchNorm : Module
{
    /// <summary>Normalization of <paramref name="channels"/> channels with running statistics moved by <paramref name="momentum"/> and ε <paramref name="eps"/>.</summary>
    protected BatchNorm(int channels, double momentum, double eps, Device? device, DType dtype)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "BatchNorm needs at least one channel.");
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "BatchNorm momentum must be in [0, 1].");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "BatchNorm eps must be greater than 0.");
        device ??= Device.Cpu;
        Channels = channels;
        Momentum = momentum;
        Eps = eps;
        Weight = AddParameter("weight", Init.Constant([channels], 1, device, dtype));
        Bias = AddParameter("bias", Init.Constant([channels], 0, device, dtype));
        RunningMean = AddBuffer("running_mean", Init.Constant([channels], 0, device, dtype));
        RunningVar = AddBuffer("running_var", Init.Constant([channels], 1, device, dtype));
    }

    /// <summary>Channels normalized.</summary>
    public int Channels { get; }

    /// <summary>Weight of the new batch in the running statistics: r ← (1 − m)·r + m·batch.</summary>
    public double Momentum { get; }

    /// <summary>ε added to the variance.</summary>
    public double Eps { get; }

    /// <summary>The learned scale γ [C].</summary>
    public Tensor Weight { get; }

    /// <summary>The learned shift β [C].</summary>
    public Tensor Bias { get; }

    /// <summary>The running mean [C] (a buffer).</summary>
    public Tensor RunningMean { get; }

    /// <summary>The running (unbiased) variance [C] (a buffer).</summary>
    public Tensor RunningVar { get; }

    /// <summary>
    /// When set (data-parallel training with synchronized batch norm), training-mode statistics are
    /// taken over the batches of every rank of this communicator instead of this rank's alone.
    /// </summary>
    public Distributed.Communicator? SyncGroup { get; set; }

    /// <summary>The input rank: 2 for [N, C], 4 for [N, C, H, W].</summary>
    protected abstract int InputRank { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Forward(x, relu: false);

    /// <summary>max(Forward(x), 0) as one op (synchronized batch norm: its op, then ReLU).</summary>
    public Tensor ForwardRelu(Tensor x) => Forward(x, relu: true);

    private Tensor Forward(Tensor x, bool relu)
    {
        if (x.Rank != InputRank || x.Shape[1] != Channels)
            throw new ArgumentException($"{GetType().Name}({Channels}) needs input {(InputRank == 2 ? $"[N, {Channels}]" : $"[N, {Channels}, H, W]")}; got {Shapes.Format(x.ShapeArray)}.", nameof(x));
        if (Training && SyncGroup is { IsDistributed: true } group)
        {
            Tensor.CheckCompatible("BatchNorm", x, Weight, Bias, RunningMean, RunningVar);
            var synchronized = Distributed.SyncBatchNormOp.Forward(x, Weight, Bias, RunningMean, RunningVar, Momentum, Eps, group);
            return relu ? synchronized.Relu() : synchronized;
        }
        return relu
            ? x.BatchNormRelu(Weight, Bias, RunningMean, RunningVar, Training, Momentum, Eps)
            : x.BatchNorm(Weight, Bias, RunningMean, RunningVar, Training, Momentum, Eps);
    }
}
