using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Psp;

namespace Payments.Pipeline.Payouts;

/// <summary>
/// Drives a payout to the PSP exactly once (invariant 10), with the charges' rules: the row is
/// committed before any call; the PSP's key derives from the payout's id; a call is sent (or
/// replayed under the same key) only while the PSP still remembers the key (invariant 9); an
/// unknown outcome is resolved only by reading: GET once the PSP's id is known, else search by
/// <c>metadata['payout_id']</c>, which proves a payout was never made only after its lag has passed
/// since nothing under the key could run any more. Every driver (the request, the sweep, a PSP
/// event, the reconciler) may run at once: each write is conditional, so the first wins and the
/// others change nothing.
/// </summary>
internal sealed class PayoutProcessor(
    PayoutStore store,
    PspClient psp,
    PayoutMetrics metrics,
    IOptions<ChargeOptions> chargeOptions,
    IOptions<PspOptions> pspOptions,
    IOptions<PayoutOptions> payoutOptions,
    ILogger<PayoutProcessor> logger)
{
    private const int MaxRaceRetries = 3;

    private readonly ChargeOptions _options = chargeOptions.Value;
    private readonly PspOptions _psp = pspOptions.Value;
    private readonly PayoutOptions _payouts = payoutOptions.Value;

    /// <summary>Takes the payout one step further: its first call, the resolution of an unknown outcome, or a read of the PSP's progress.</summary>
    public async Task AdvanceAsync(PayoutRow payout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payout);
        if (payout.Status != PayoutLifecycle.Pending)
        {
            return;
        }

        if (payout.PspReference is not null)
        {
            // Sent: the PSP is carrying it. Its events usually say when it ends; this read is the backstop.
            var read = await psp.GetPayoutAsync(payout.PspReference, cancellationToken).ConfigureAwait(false);
            if (read is PspOutcome.PayoutCompleted completed)
            {
                await ApplyAsync(payout, completed.Payout, Actor.Pipeline, cancellationToken).ConfigureAwait(false);
                return;
            }

            var wait = read is PspOutcome.Unavailable { Reason: "circuit_open" } ? Jittered(_psp.BreakDuration) : _payouts.PollInterval;
            await store.UpdatePendingAsync(payout.Id, PendingReason.AwaitingPsp, wait, keySettled: false, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        await SendOrResolveAsync(payout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies what the PSP shows of our payout (a read, an event's object, a report line's read):
    /// first that it exists (the money left the PSP balance), then the lifecycle's move if any.
    /// </summary>
    public async Task ApplyAsync(PayoutRow payout, PspPayout shown, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payout);
        ArgumentNullException.ThrowIfNull(shown);
        var mismatch = shown.MismatchWith(payout.Id, payout.Amount, payout.Currency, payout.Destination)
            ?? (payout.PspReference is not null && payout.PspReference != shown.Id ? "another PSP payout than the one recorded" : null);
        if (mismatch is not null)
        {
            Log.PayoutMismatch(logger, payout.Id, shown.Id, mismatch);
            metrics.Mismatch();
            await store.UpdatePendingAsync(payout.Id, PendingReason.PspMismatch, Backoff(payout.AttemptCount + 1), keySettled: false, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (payout.PspReference is null)
        {
            await store.RecordSentAsync(payout.Id, shown.Id, shown.Status, actor, cancellationToken).ConfigureAwait(false);
            payout = await store.LoadAsync(payout.Id, cancellationToken).ConfigureAwait(false) ?? payout;
        }

        // A move is conditional on the status it was decided from; when another driver moved the
        // payout meanwhile (a poll and an event at once), it is decided again from the new status.
        for (var attempt = 0; attempt < MaxRaceRetries && PayoutLifecycle.MoveTo(payout.Status, PayoutLifecycle.FactOf(shown.Status)) is { } to; attempt++)
        {
            var failed = to == PayoutLifecycle.Failed;
            var reason = failed ? $"the PSP's payout {shown.Id} failed{(payout.Status == PayoutLifecycle.Paid ? " after it was paid" : "")}" : $"the PSP's payout {shown.Id} was paid";
            if (await store.FinishAsync(payout.Id, payout.Status, to, shown.Status, failed ? shown.FailureCode ?? "payout_failed" : null,
                    failed ? "The bank did not accept the payout; its amount is available again." : null, actor, reason, cancellationToken).ConfigureAwait(false))
            {
                metrics.Ended(to);
                return;
            }

            payout = await store.LoadAsync(payout.Id, cancellationToken).ConfigureAwait(false) ?? payout;
        }

        if (payout.Status == PayoutLifecycle.Pending)
        {
            await store.UpdatePendingAsync(payout.Id, PendingReason.AwaitingPsp, _payouts.PollInterval, keySettled: false, shown.Status, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What the reconciler does with a report line that proves a move of our payout we missed: read the PSP's payout and apply it.</summary>
    public async Task HealAsync(string payoutId, string pspPayoutId, CancellationToken cancellationToken = default)
    {
        if (await store.LoadAsync(payoutId, cancellationToken).ConfigureAwait(false) is { } payout
            && await psp.GetPayoutAsync(pspPayoutId, cancellationToken).ConfigureAwait(false) is PspOutcome.PayoutCompleted read)
        {
            await ApplyAsync(payout, read.Payout, Actor.Pipeline, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendOrResolveAsync(PayoutRow payout, CancellationToken cancellationToken)
    {
        if (await store.MarkAttemptAsync(payout.Id, _options.AttemptLease, cancellationToken).ConfigureAwait(false) is not { } mark)
        {
            return;
        }

        var maySend = mark.Now < mark.RecordedAt + _psp.SendWindow;
        PspOutcome? sent = null;
        if (maySend)
        {
            sent = await psp.CreatePayoutAsync(payout.Id, payout.Amount, payout.Currency, payout.Destination, cancellationToken).ConfigureAwait(false);
            switch (sent)
            {
                case PspOutcome.PayoutCompleted completed:
                    await ApplyAsync(payout, completed.Payout, Actor.Pipeline, cancellationToken).ConfigureAwait(false);
                    return;
                case PspOutcome.Refused refused when mark.Attempts == 1 || refused.Saved:
                    // Refused before it ran (balance_insufficient, a bad destination): definite, nothing moved.
                    await FailUnsentAsync(payout, PayoutLifecycle.Refused, refused.Code ?? "psp_refused", refused.Message, "refused by the PSP", cancellationToken).ConfigureAwait(false);
                    return;
            }
        }
        else
        {
            Log.PayoutSendWindowClosed(logger, payout.Id);
        }

        var search = await psp.SearchPayoutAsync(payout.Id, cancellationToken).ConfigureAwait(false);
        if (search is PspOutcome.PayoutCompleted found)
        {
            await ApplyAsync(payout, found.Payout, Actor.Pipeline, cancellationToken).ConfigureAwait(false);
            return;
        }

        var settledNow = sent is PspOutcome.Indeterminate { KeySettled: true };
        var settledAt = payout.PspKeySettledAt ?? (settledNow ? mark.Now : null);
        var settledProofAt = settledAt + _psp.SearchLag;
        var expiredProofAt = mark.RecordedAt + _psp.SendWindow + _options.AttemptLease + _psp.SearchLag;
        if (search is PspOutcome.NotFound && (mark.Now >= settledProofAt || (!maySend && mark.Now >= expiredProofAt)))
        {
            // Nothing under the key can run again (or nothing was sent for longer than any call lasts),
            // and the index has had its full lag to show anything that ran: the PSP never made it.
            var (code, message) = mark.Now >= settledProofAt
                ? ("psp_error", "The PSP failed to process the payout and did not carry it out.")
                : ("psp_key_expired", "The PSP could not be asked in time; it did not carry the payout out.");
            await FailUnsentAsync(payout, PayoutLifecycle.ProvenNotCarriedOut, code, message, "proven not carried out", cancellationToken).ConfigureAwait(false);
            return;
        }

        var reason = sent is PspOutcome.Unavailable && payout.PendingReason != PendingReason.OutcomeUnknown
            ? PendingReason.PspUnavailable
            : PendingReason.OutcomeUnknown;
        var retryIn = sent is PspOutcome.Unavailable { Reason: "circuit_open" } ? Jittered(_psp.BreakDuration)
            : search is not PspOutcome.NotFound ? Backoff(mark.Attempts)
            : settledProofAt is { } proofAt ? Max(proofAt - mark.Now, _options.ResolveBackoff)
            : !maySend ? Max(expiredProofAt - mark.Now, _options.ResolveBackoff)
            : Backoff(mark.Attempts);
        await store.UpdatePendingAsync(payout.Id, reason, retryIn, settledNow, null, cancellationToken).ConfigureAwait(false);
        Log.PayoutStillUnknown(logger, payout.Id, DescribeOutcome(sent ?? search), retryIn);
    }

    private async Task FailUnsentAsync(PayoutRow payout, string fact, string code, string message, string reason, CancellationToken cancellationToken)
    {
        if (PayoutLifecycle.MoveTo(payout.Status, fact) is { } to
            && await store.FinishAsync(payout.Id, payout.Status, to, null, code, message, Actor.Pipeline, reason, cancellationToken).ConfigureAwait(false))
        {
            metrics.Ended(to);
        }
    }

    private TimeSpan Backoff(int attempts) => RetryDelays.Backoff(attempts, _options.ResolveBackoff, _options.ResolveBackoffMax);

    private static TimeSpan Jittered(TimeSpan wait) => RetryDelays.Jittered(wait);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string DescribeOutcome(PspOutcome outcome) => outcome switch
    {
        PspOutcome.Indeterminate i => i.Reason,
        PspOutcome.Unavailable u => u.Reason,
        PspOutcome.Refused r => "refused on replay: " + (r.Code ?? r.Type),
        PspOutcome.NotFound => "not found by search",
        _ => outcome.GetType().Name,
    };
}
