namespace NativeContrast.Augmentation;

/// <summary>
/// A random image transformation applied to a batch [N, C, H, W] (float32, values in [0, 1]) on the
/// batch's device. Each image draws its own parameters from <c>rng</c> (on the host), so the same
/// seed gives the same result on every device. Returns a new tensor (in the caller's scope).
/// </summary>
public interface IAugmentation
{
    /// <summary>Returns a new batch [N, C, H, W] made from <paramref name="images"/> with random draws from <paramref name="rng"/> (the input is left as it is).</summary>
    Tensor Apply(Tensor images, Random rng);
}
