namespace NativeContrast.Evaluation;

/// <summary>
/// What <see cref="LinearProbe.Fit"/> found: the test accuracy, the L2 penalty the held-out rows chose, and the held-out
/// accuracy at each penalty tried (in <see cref="LinearProbe.Penalties"/>' order; empty when the training set was too
/// small to hold rows out).
/// </summary>
public sealed record LinearProbeResult(double Accuracy, double Penalty, IReadOnlyList<double> HeldOutAccuracies);
