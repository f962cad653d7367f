namespace NativeContrast.Nn;

/// <summary>Max pooling over k×k windows (stride defaults to k).</summary>
public sealed class MaxPool2d(int kernel, int? stride = null, int padding = 0) : Module
{
    public int Kernel => kernel;

    public int Stride => stride ?? kernel;

    public int Padding => padding;

    public override Tensor Forward(Tensor x) => x.MaxPool2d(kernel, stride, padding);
}
