namespace Payments.Pipeline.Reconciliation;

/// <summary>What asking for a reconciliation run came to.</summary>
internal abstract record RunStart
{
    private RunStart()
    {
    }

    /// <summary>
    /// A new run, carried out (completed or failed) by the time it is answered. Whoever carries it
    /// out disposes <paramref name="Owner"/> when it ends, which frees the date for the next run.
    /// </summary>
    public sealed record Started(string RunId, RunOwner Owner) : RunStart;

    /// <summary>The run this Idempotency-Key made before, with the same request.</summary>
    public sealed record Replayed(string RunId) : RunStart;

    /// <summary>The key was used for another request.</summary>
    public sealed record KeyReused : RunStart;

    /// <summary>A run of the date is running now (this instance or another); nothing was started.</summary>
    public sealed record Busy : RunStart;
}
