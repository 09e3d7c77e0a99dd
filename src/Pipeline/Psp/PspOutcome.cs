namespace Payments.Pipeline.Psp;

/// <summary>
/// What one PSP call told us, sorted by what we may conclude from it. Only
/// <see cref="Completed"/>, <see cref="Declined"/> and <see cref="Refused"/> are definite;
/// <see cref="Indeterminate"/> means the PSP may or may not have carried it out.
/// </summary>
public abstract record PspOutcome
{
    private PspOutcome()
    {
    }

    /// <summary>200 with the object.</summary>
    public sealed record Completed(PaymentIntent Intent) : PspOutcome;

    /// <summary>200 with a Refund.</summary>
    public sealed record RefundCompleted(PspRefund Refund) : PspOutcome;

    /// <summary>200 with a Payout.</summary>
    public sealed record PayoutCompleted(PspPayout Payout) : PspOutcome;

    /// <summary>402 card error: the PSP refused the card, nothing was charged.</summary>
    public sealed record Declined(PaymentIntent? Intent, string Code, string Message) : PspOutcome;

    /// <summary>
    /// A 400 for our request itself (validation, state) that nothing sent before it in this call may
    /// have preceded: this request was not carried out. <see cref="Saved"/> when it is the PSP's
    /// saved answer for the key (the first execution's own), so the step never ran; otherwise it is
    /// definite only if no earlier call of the step may have run either, which the caller knows.
    /// </summary>
    public sealed record Refused(int Status, string Type, string? Code, string Message) : PspOutcome
    {
        public bool Saved { get; init; }
    }

    /// <summary>
    /// Timeout, reset, 5xx, key in use: may have been carried out. <paramref name="KeySettled"/>
    /// is true when the PSP answered from (or saved) the key's response, so no execution under
    /// this key can still be running or start later.
    /// </summary>
    public sealed record Indeterminate(string Reason, bool KeySettled) : PspOutcome;

    /// <summary>Not sent, or refused before execution (circuit open, connection refused, 503, 429): safe to retry later.</summary>
    public sealed record Unavailable(string Reason) : PspOutcome;

    /// <summary>200 with every refund of a PaymentIntent.</summary>
    public sealed record RefundsListed(IReadOnlyList<PspRefund> Refunds) : PspOutcome;

    /// <summary>200 with every dispute of a PaymentIntent.</summary>
    public sealed record DisputesListed(IReadOnlyList<PspDispute> Disputes) : PspOutcome;

    /// <summary>200 with a page of the PSP's event log, newest first; each event detached from the answer's document.</summary>
    public sealed record EventsListed(IReadOnlyList<System.Text.Json.JsonElement> Events, bool HasMore) : PspOutcome;

    /// <summary>200 with a document that is not JSON (the settlement report's CSV).</summary>
    public sealed record TextRead(string Text) : PspOutcome;

    /// <summary>404 for a read: no such object.</summary>
    public sealed record NotFound : PspOutcome;

    public bool IsDefinite => this is Completed or RefundCompleted or PayoutCompleted or RefundsListed or DisputesListed or EventsListed or TextRead or Declined or Refused;
}
