namespace NativeContrast.Losses;

/// <summary>
/// A loss's input holds NaN or infinity (named: the loss, the input, the row). An <see cref="ArgumentException"/> for a
/// caller's data; the trainer reports it as the run diverging, since there its own weights produced it.
/// </summary>
public sealed class NonFiniteInputException(string message, string paramName) : ArgumentException(message, paramName);
