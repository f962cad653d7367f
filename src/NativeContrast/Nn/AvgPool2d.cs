namespace NativeContrast.Nn;

/// <summary>Average pooling over k×k windows (stride defaults to k).</summary>
public sealed class AvgPool2d(int kernel, int? stride = null, int padding = 0) : Module
{
    /// <summary>Side of the pooling window.</summary>
    public int Kernel => kernel;

    /// <summary>Step between windows.</summary>
    public int Stride => stride ?? kernel;

    /// <summary>Zero padding on each side (counted in the mean, as PyTorch does by default).</summary>
    public int Padding => padding;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.AvgPool2d(kernel, stride, padding);
}
