using Payments.Pipeline.Operations;
using Payments.Pipeline.Partitioning;

namespace Payments.Pipeline.Charges;

/// <summary>
/// What a partition runs: a step for one charge, keyed by the charge's id. A freshly recorded
/// charge travels with its row (<see cref="Fresh"/>), so its first attempt needs no read, and with
/// the monotonic timestamp taken before its intent was submitted (<see cref="FreshSince"/>): its
/// lease began later than that.
/// </summary>
public sealed record WorkItem(string ChargeId, WorkKind Kind, ChargeCommand? Command = null, ChargeRow? Fresh = null, long FreshSince = 0) : IPartitioned
{
    public string PartitionKey => ChargeId;

    public string Description => $"step {Kind} of charge {ChargeId}";
}

public enum WorkKind
{
    /// <summary>Drive the charge towards a final state: call the PSP, or resolve an unknown outcome.</summary>
    Advance,

    /// <summary>A verified PSP webhook said the PaymentIntent changed: read it and apply what moves forward.</summary>
    Refresh,

    /// <summary>A merchant's capture, void or refund, carried in <see cref="WorkItem.Command"/>.</summary>
    Command,
}
