namespace NativeContrast.Evaluation;

/// <summary>
/// What <see cref="Evaluator"/> measures on the test split (fractions in [0, 1]), and the L2 penalty the linear probe chose on
/// held-out training rows (<see cref="LinearProbe.Fit"/>).
/// </summary>
public sealed record EvaluationReport(double KnnTop20, double KnnTop200, double LinearProbe, double PrecisionAt1, double RPrecision, double MapAtR, double Seconds,
    double Uniformity = double.NaN, double Alignment = double.NaN, double RawKnnTop20 = double.NaN, double RawKnnTop200 = double.NaN, double RawLinearProbe = double.NaN,
    double ViewRetrievalTop1 = double.NaN, double ViewRetrievalTop5 = double.NaN, double LinearProbePenalty = double.NaN);
