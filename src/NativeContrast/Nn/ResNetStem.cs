namespace NativeContrast.Nn;

/// <summary>The first layers of a <see cref="ResNet18"/>, before its four stages.</summary>
public enum ResNetStem
{
    /// <summary>3×3 convolution, stride 1, no max pooling: for CIFAR-size images (SimCLR's CIFAR variant); keeps the resolution.</summary>
    Cifar,

    /// <summary>torchvision's: 7×7 convolution, stride 2, padding 3, then 3×3 max pooling, stride 2 — a quarter of the resolution, for images of 96 pixels and more.</summary>
    Standard,
}
