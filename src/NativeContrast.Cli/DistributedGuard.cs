using NativeContrast.Distributed;

namespace NativeContrast.Cli;

/// <summary>
/// Runs a command body on one rank of a job. If it throws while other ranks run, the error is printed
/// with this rank's number and the whole job is aborted, so the other ranks do not wait forever in a
/// collective. A single process lets the exception go to the usual one-line error handling.
/// </summary>
internal static class DistributedGuard
{
    public static int Run(Communicator communicator, TextWriter error, Func<int> body)
    {
        if (!communicator.IsDistributed) return body();
        try
        {
            return body();
        }
        catch (Exception e)
        {
            error.WriteLine($"error: rank {communicator.Rank} of {communicator.Size} failed, stopping the job: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            error.Flush();
            communicator.Abort(e is ArgumentException or IOException or InvalidDataException ? 2 : 1);
            return 1;
        }
    }
}
