namespace NativeContrast;

/// <summary>Whether ops record the autograd graph on this thread. <see cref="NoGrad"/> turns it off for a scope.</summary>
public static class GradMode
{
    [ThreadStatic] private static int disabledDepth;

    /// <summary>False inside a <see cref="NoGrad"/> scope: ops then record no graph.</summary>
    public static bool IsEnabled => disabledDepth == 0;

    /// <summary>Stops graph recording until the returned scope is disposed (evaluation, optimizer steps).</summary>
    public static IDisposable NoGrad()
    {
        disabledDepth++;
        return new Restore();
    }

    private sealed class Restore : IDisposable
    {
        private bool done;

        public void Dispose()
        {
            if (done) return;
            done = true;
            disabledDepth--;
        }
    }
}
