using System.Diagnostics;

namespace NativeContrast.Autograd;

/// <summary>
/// Where a step's time goes, by op: while a profile is running on this thread, the time between two marks goes to the
/// second one's (phase, op): a recorded forward op marks when autograd records it (its forward has just run), each
/// backward node when its backward returns, and the caller marks what it runs between (the optimizer's step). Off, a mark
/// costs one check. A sampling-free, approximate profile: the glue between two ops (views, scopes, small host work) goes
/// to the next op; on a GPU the ops are queued, so without a synchronization per op it says little.
/// </summary>
internal static class OpProfile
{
    [ThreadStatic] private static Dictionary<(string Phase, string Op), (double Milliseconds, int Count)>? totals;
    [ThreadStatic] private static Stopwatch? clock;

    /// <summary>Starts a profile on this thread (totals kept until <see cref="Stop"/>).</summary>
    public static void Start()
    {
        totals = [];
        clock = Stopwatch.StartNew();
    }

    /// <summary>Restarts the interval without attributing it (e.g. at the start of a step, after work not to be counted).</summary>
    public static void Restart() => clock?.Restart();

    /// <summary>The time since the last mark goes to (<paramref name="phase"/>, the node's <see cref="AutogradNode.ProfileName"/>), named only while a profile runs.</summary>
    public static void Mark(string phase, AutogradNode node)
    {
        if (totals is not null) Mark(phase, node.ProfileName);
    }

    /// <summary>The time since the last mark goes to (<paramref name="phase"/>, <paramref name="op"/>).</summary>
    public static void Mark(string phase, string op)
    {
        if (totals is null || clock is null) return;
        double ms = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var key = (phase, op);
        var (sum, count) = totals.GetValueOrDefault(key);
        totals[key] = (sum + ms, count + 1);
    }

    /// <summary>Ends the profile and returns its totals, largest first.</summary>
    public static IReadOnlyList<(string Phase, string Op, double Milliseconds, int Count)> Stop()
    {
        var result = (totals ?? []).Select(kv => (kv.Key.Phase, kv.Key.Op, kv.Value.Milliseconds, kv.Value.Count)).OrderByDescending(r => r.Milliseconds).ToList();
        totals = null;
        clock = null;
        return result;
    }
}
