namespace NativeContrast.Training;

/// <summary>
/// A training method: what it adds to the shared encoder + projection head. The <see cref="Trainer"/> runs the
/// loop (views, encoder, optimizer, checkpoints) and asks the method for the loss of each batch; a method with
/// state of its own (MoCo's key encoder and queue) keeps it here, with its share of the checkpoint.
/// </summary>
internal abstract class ContrastiveMethod : IDisposable
{
    /// <summary>The loss of one batch (recorded for backward).</summary>
    public abstract Tensor Loss(MethodBatch batch);

    /// <summary>After the optimizer's step (MoCo: the key encoder's moving average).</summary>
    public virtual void AfterStep()
    {
    }

    /// <summary>State every rank must start with the same values of (broadcast from rank 0 with the parameters).</summary>
    public virtual IEnumerable<Tensor> SharedState => [];

    /// <summary>After the parameters and <see cref="SharedState"/> were broadcast.</summary>
    public virtual void AfterBroadcast()
    {
    }

    /// <summary>Adds the method's own tensors to a checkpoint being written.</summary>
    public virtual void AddToCheckpoint(IDictionary<string, Tensor> tensors)
    {
    }

    /// <summary>Restores the method's own tensors from a checkpoint.</summary>
    public virtual void Restore(Checkpoint checkpoint)
    {
    }

    public virtual void Dispose()
    {
    }
}
