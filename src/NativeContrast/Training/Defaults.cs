namespace NativeContrast.Training;

/// <summary>
/// Per-method defaults, with their source: SimCLR (Chen et al. 2020) LARS at 0.3·B/256, τ 0.5 for small
/// images; SupCon (Khosla et al. 2020) τ 0.1; MoCo v2 (Chen et al. 2020) SGD 0.03·B/256, τ 0.2,
/// momentum 0.999 (0.99 here: runs are short); triplet (Hermans et al. 2017) Adam 3·10⁻⁴, margin 0.2.
/// </summary>
public static class Defaults
{
    public static double LearningRate(string method, string optimizer) => (method, optimizer) switch
    {
        (_, "adamw") => 1e-3,
        ("moco", _) => 0.03,
        (_, "lars") => 0.3,
        _ => 0.05,
    };

    public static double Temperature(string method) => method switch
    {
        "supcon" => 0.1,
        "moco" => 0.2,
        _ => 0.5,
    };

    public static string Optimizer(string method) => method switch
    {
        "moco" => "sgd",
        "triplet" => "adamw",
        _ => "lars",
    };
}
