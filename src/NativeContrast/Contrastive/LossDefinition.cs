namespace NativeContrast.Losses;

/// <summary>
/// One loss as the <see cref="LossCatalog"/> lists it: the name every command, test and doc table uses, what
/// it reads, which <see cref="LossOptions"/> it takes, the fused loss, its composed reference (the full
/// similarity matrix from primitive ops; the fused one must equal it forward and backward) and its napkin-math
/// FLOP count for one forward and backward at N rows, M keys, D dimensions.
/// </summary>
/// <param name="Name">The one spelling: <c>--kind NAME</c> on the command line.</param>
/// <param name="Summary">One line for help texts and docs.</param>
/// <param name="Requires">Inputs that must be given.</param>
/// <param name="Accepts">Inputs that may be given (a superset of <paramref name="Requires"/>).</param>
/// <param name="Options">The names of the <see cref="LossOptions"/> properties the loss reads.</param>
/// <param name="Fused">The fused forward (its backward is recorded by autograd).</param>
/// <param name="Reference">The composed reference; it throws <see cref="NotSupportedException"/> for options it does not cover.</param>
/// <param name="Flops">Forward + backward FLOPs at (N, M, D).</param>
public sealed record LossDefinition(
    string Name,
    string Summary,
    LossInputKinds Requires,
    LossInputKinds Accepts,
    IReadOnlyList<string> Options,
    Func<LossArguments, LossOptions, Tensor> Fused,
    Func<LossArguments, LossOptions, Tensor> Reference,
    Func<int, int, int, LossOptions, double> Flops)
{
    /// <summary>The input's name as the <c>loss</c> command spells its option.</summary>
    public static string Describe(LossInputKinds input) => input switch
    {
        LossInputKinds.Keys => "keys",
        LossInputKinds.Labels => "labels",
        LossInputKinds.Positives => "positives",
        _ => input.ToString().ToLowerInvariant(),
    };

    /// <inheritdoc/>
    public override string ToString() => Name;
}
