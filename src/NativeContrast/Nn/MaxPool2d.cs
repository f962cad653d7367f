namespace NativeContrast.Nn;

/// <summary>Max pooling over k×k windows (stride defaults to k).</summary>
public sealed class MaxPool2d(int kernel, int? stride = null, int padding = 0) : Module
{
    /// <summary>Side of the pooling window.</summary>
    public int Kernel => kernel;

    /// <summary>Step between windows.</summary>
    public int Stride => stride ?? kernel;

    /// <summary>Padding on each side (padded positions never win).</summary>
    public int Padding => padding;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.MaxPool2d(kernel, stride, padding);
}
