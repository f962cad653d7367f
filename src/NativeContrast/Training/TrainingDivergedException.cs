namespace NativeContrast.Training;

/// <summary>The loss stopped being a finite number: a runtime failure of the run, not of its input (the CLI exits with 1).</summary>
public sealed class TrainingDivergedException(string message) : InvalidOperationException(message);
