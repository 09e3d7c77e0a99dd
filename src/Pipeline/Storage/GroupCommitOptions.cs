using System.ComponentModel.DataAnnotations;

namespace Payments.Pipeline.Storage;

/// <summary>
/// Sizes every group commit of the service (<see cref="GroupCommitter{TItem, TResult}"/>): charge
/// intents, charge transitions and PSP webhook rows each have their own queue and loops of this size.
/// </summary>
public sealed class GroupCommitOptions
{
    public const string Section = "GroupCommit";

    /// <summary>Largest batch in one transaction.</summary>
    [Range(1, 10_000)]
    public int MaxBatch { get; set; } = 500;

    /// <summary>Group commits of one kind running at once (PSP webhook rows use one).</summary>
    [Range(1, 64)]
    public int Writers { get; set; } = 2;

    /// <summary>
    /// Items waiting for a commit. For intents, beyond it the ingress answers 503 overloaded: small
    /// on purpose, since a request waiting behind a long queue answers late instead of being told at
    /// once to retry; at the 1,000 intents/s these machines commit, this is half a second of work.
    /// </summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 512;
}
