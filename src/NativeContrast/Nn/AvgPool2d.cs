namespace NativeContrast.Nn;

/// <summary>Average pooling over k×k windows (stride defaults to k).</summary>
public sealed class AvgPool2d(int kernel, int? stride = null, int padding = 0) : Module
{
    public int Kernel => kernel;

    public int Stride => stride ?? kernel;

    public int Padding => padding;

    public override Tensor Forward(Tensor x) => x.AvgPool2d(kernel, stride, padding);
}
