namespace Payments.Pipeline.Charges.Lifecycle;

/// <summary>What a fact does to a charge: a forward move, staying pending, or nothing.</summary>
internal abstract record ChargeDecision
{
    private ChargeDecision()
    {
    }

    /// <summary>
    /// Move to <paramref name="To"/> with these amounts and codes; the event and journal follow from them.
    /// <paramref name="CancellationReason"/> says why a charge was voided (<see cref="CancellationReasons"/>).
    /// </summary>
    public sealed record Move(
        string To, string? PspReference, long Authorized, long Captured, string? FailureCode, string? FailureMessage, string Reason,
        string? CancellationReason = null) : ChargeDecision;

    /// <summary>Still pending at the PSP: look again later, as <paramref name="PendingReason"/> says.</summary>
    public sealed record StayPending(string PendingReason) : ChargeDecision;

    /// <summary>Not a forward move (a stale answer, a late webhook, a final charge): changes nothing.</summary>
    public sealed record Ignore : ChargeDecision;
}
