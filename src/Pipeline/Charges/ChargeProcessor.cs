using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Charges.Lifecycle;
using Payments.Pipeline.Disputes;
using Payments.Pipeline.Merchants;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Operations;
using Payments.Pipeline.Partitioning;
using Payments.Pipeline.Psp;

namespace Payments.Pipeline.Charges;

/// <summary>
/// The charge state machine. It runs inside the charge's partition, so two of its steps for
/// one charge never overlap in this process; every move it makes is conditional on the row
/// it read (status and version), so a racing webhook or instance loses cleanly, and the loser
/// decides again from the row as it now is.
/// </summary>
internal sealed partial class ChargeProcessor(
    ChargeStore store,
    OperationStore operations,
    DisputeStore disputes,
    PspClient psp,
    MerchantStore merchants,
    OutcomeNotifier notifier,
    TransitionBatcher transitions,
    CreateCallsInFlight createCalls,
    ChargeMetrics metrics,
    IOptions<ChargeOptions> chargeOptions,
    IOptions<PspOptions> pspOptions,
    ILogger<ChargeProcessor> logger) : IWorkHandler<WorkItem>
{
    private const int MaxRaceRetries = 5;

    private readonly ChargeOptions _options = chargeOptions.Value;
    private readonly PspOptions _psp = pspOptions.Value;

    public async Task HandleAsync(WorkItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Command is { } command)
        {
            await ExecuteCommandAsync(command, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (item.Fresh is { } fresh)
        {
            await AttemptFreshAsync(fresh, item.FreshSince, cancellationToken).ConfigureAwait(false);
            return;
        }

        var charge = await store.LoadAsync(item.ChargeId, cancellationToken).ConfigureAwait(false);
        if (charge is null)
        {
            return;
        }

        // A webhook's durable follow-up ends only once the PaymentIntent was read and applied;
        // otherwise it comes due again (see 0007_exactly_once.sql).
        var followUp = item.Kind == WorkKind.Refresh ? charge.FollowUpAt : null;
        var read = await AdvanceAsync(charge, item.Kind, cancellationToken).ConfigureAwait(false);
        if (followUp is { } seen)
        {
            if (read)
            {
                await store.ClearFollowUpAsync(charge.Id, seen, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await store.DelayFollowUpAsync(charge.Id, Backoff(charge.AttemptCount + 1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One step towards a final state; false when the PSP could not be read to its end.</summary>
    private async Task<bool> AdvanceAsync(ChargeRow charge, WorkKind kind, CancellationToken cancellationToken)
    {
        if (charge.Status is ChargeStatus.Authorized or ChargeStatus.Captured)
        {
            // Open captures, voids and refunds first; then, for an authorization a webhook says
            // moved at the PSP, read the PaymentIntent and follow it.
            if (await ResolveOpenStepsAsync(charge, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            if (kind != WorkKind.Refresh || charge.PspReference is null)
            {
                return true;
            }

            if (charge.Status == ChargeStatus.Captured)
            {
                // Both are read whatever the other gave; the follow-up ends only when both were read.
                var refundsRead = await RecordPspRefundsAsync(charge, cancellationToken).ConfigureAwait(false);
                return await FollowDisputesAsync(charge, cancellationToken).ConfigureAwait(false) && refundsRead;
            }

            charge = await store.LoadAsync(charge.Id, cancellationToken).ConfigureAwait(false) ?? charge;
            var read = await psp.GetPaymentIntentAsync(charge.PspReference!, cancellationToken).ConfigureAwait(false);
            return await FollowPaymentIntentAsync(charge, read, Actor.PspWebhook, cancellationToken).ConfigureAwait(false);
        }

        if (ChargeLifecycle.IsFinal(charge.Status))
        {
            return true;
        }

        var mayHaveRun = charge.AttemptCount > 0 || charge.PspReference is not null || charge.PendingReason is not PendingReason.AwaitingPsp;
        if (mayHaveRun || kind == WorkKind.Refresh)
        {
            await ResolveAsync(charge, kind == WorkKind.Refresh ? Actor.PspWebhook : Actor.Pipeline, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Reached again (a sweep, a lost hand-off), a charge whose first send went out from
            // a fresh hand-off left no mark of it: that send may have run, so an unsaved refusal of
            // this one proves nothing.
            await AttemptAsync(charge, mayHaveBeenSent: true, cancellationToken).ConfigureAwait(false);
        }

        // A pending charge is swept by its own next attempt; the follow-up has nothing left to add.
        return true;
    }

    /// <summary>
    /// The first call to the PSP for a charge handed over right after its commit (invariant 2).
    /// The insert leased the row for <see cref="ChargeOptions.RecoveryThreshold"/> from its commit,
    /// which came after <paramref name="submittedAt"/>; time spent queued eats that lease, so when
    /// what is left could not cover the longest call, the call is leased afresh from its start.
    /// </summary>
    private async Task AttemptFreshAsync(ChargeRow charge, long submittedAt, CancellationToken cancellationToken)
    {
        if (_options.RecoveryThreshold - Stopwatch.GetElapsedTime(submittedAt) < _psp.LongestCall)
        {
            await AttemptAsync(charge, mayHaveBeenSent: false, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var inFlight = createCalls.Enter(charge.Id);
        var outcome = await psp.CreatePaymentIntentAsync(RequestFor(charge), cancellationToken).ConfigureAwait(false);
        await ApplyCreateOutcomeAsync(charge, outcome, firstSend: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A call for a charge with no recorded attempt, leased from the call's start. It is the first
    /// send only when it comes straight from the fresh hand-off (<paramref name="mayHaveBeenSent"/>
    /// false): the fresh send itself is leased by the intent's insert and marks nothing.
    /// </summary>
    private async Task AttemptAsync(ChargeRow charge, bool mayHaveBeenSent, CancellationToken cancellationToken)
    {
        if (await store.MarkAttemptAsync(charge.Id, _options.AttemptLease, cancellationToken).ConfigureAwait(false) is not { } mark)
        {
            return;
        }

        charge = charge with { Version = mark.Version, AttemptCount = mark.Attempts };
        if (!MaySend(mark))
        {
            // Recorded too long ago (a restore, a long outage) to be sent safely even the first time.
            await ResolveAsync(charge, Actor.Pipeline, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var inFlight = createCalls.Enter(charge.Id);
        var outcome = await psp.CreatePaymentIntentAsync(RequestFor(charge), cancellationToken).ConfigureAwait(false);
        await ApplyCreateOutcomeAsync(charge, outcome, firstSend: !mayHaveBeenSent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Invariant 3: an unknown outcome is resolved by asking the PSP, never by guessing and
    /// never under a new key. First replay the same request with the same key (it can only
    /// return the saved answer, or run for the first time if nothing ran), but only while the
    /// PSP still remembers the key (invariant 9); then read the PaymentIntent by search. The
    /// charge is proven uncharged only by a search made, by the database's clock, at least the
    /// index lag after the PSP's key settled (nothing under it can run any more), or after the
    /// send window closed and the last possible send had its call and the lag to show.
    /// </summary>
    private async Task ResolveAsync(ChargeRow charge, string actor, CancellationToken cancellationToken)
    {
        if (charge.PspReference is not null)
        {
            var read = await psp.GetPaymentIntentAsync(charge.PspReference, cancellationToken).ConfigureAwait(false);
            if (read is PspOutcome.Completed)
            {
                await FollowPaymentIntentAsync(charge, read, actor, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        if (await store.MarkAttemptAsync(charge.Id, _options.AttemptLease, cancellationToken).ConfigureAwait(false) is not { } mark)
        {
            return;
        }

        charge = charge with { Version = mark.Version, AttemptCount = mark.Attempts };
        var maySend = MaySend(mark);
        PspOutcome? replay = null;
        if (maySend)
        {
            replay = await psp.CreatePaymentIntentAsync(RequestFor(charge), cancellationToken).ConfigureAwait(false);
            if (replay is PspOutcome.Completed or PspOutcome.Declined or PspOutcome.Refused { Saved: true })
            {
                await ApplyCreateOutcomeAsync(charge, replay, firstSend: false, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
        else
        {
            Log.SendWindowClosed(logger, "charge", charge.Id);
        }

        var search = await psp.SearchByChargeIdAsync(charge.Id, cancellationToken).ConfigureAwait(false);
        if (search is PspOutcome.Completed)
        {
            await FollowPaymentIntentAsync(charge, search, actor, cancellationToken).ConfigureAwait(false);
            return;
        }

        var settledProofAt = charge.PspKeySettledAt + _psp.SearchLag;
        var expiredProofAt = mark.RecordedAt + _psp.SendWindow + _options.AttemptLease + _psp.SearchLag;
        if (search is PspOutcome.NotFound && (mark.Now >= settledProofAt || (!maySend && mark.Now >= expiredProofAt)))
        {
            // Proof of no charge: nothing under the key can run again (or nothing was sent for longer
            // than any call lasts), and the index has had its full lag to show anything that ran.
            var proof = mark.Now >= settledProofAt
                ? new ChargeFact.ProvenNotCarriedOut("psp_error", "The PSP failed to process the charge and did not carry it out.")
                : new ChargeFact.ProvenNotCarriedOut("psp_key_expired", "The PSP could not be asked in time; it did not carry the charge out.");
            await MoveAsync(charge, proof, actor, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Unavailable means nothing ran now; whether anything ran before is what the previous
        // reason says, so an unknown outcome stays unknown until proven either way.
        var reason = replay is PspOutcome.Unavailable && charge.PendingReason != PendingReason.OutcomeUnknown
            ? PendingReason.PspUnavailable
            : PendingReason.OutcomeUnknown;
        var settledNow = replay is PspOutcome.Indeterminate { KeySettled: true };
        var retryIn = replay is PspOutcome.Unavailable { Reason: "circuit_open" } ? Jittered(_psp.BreakDuration)
            : search is not PspOutcome.NotFound ? Backoff(charge.AttemptCount)
            : settledProofAt is { } proofAt ? Max(proofAt - mark.Now, _options.ResolveBackoff)
            : settledNow ? Max(_psp.SearchLag, _options.ResolveBackoff)
            : !maySend ? Max(expiredProofAt - mark.Now, _options.ResolveBackoff)
            : Backoff(charge.AttemptCount);
        await store.UpdatePendingAsync(charge.Id, reason, retryIn, settledNow, cancellationToken).ConfigureAwait(false);
        Log.OutcomeStillUnknown(logger, charge.Id, Describe(replay ?? search), retryIn);
    }

    private async Task ApplyCreateOutcomeAsync(ChargeRow charge, PspOutcome outcome, bool firstSend, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case PspOutcome.Completed:
                await FollowPaymentIntentAsync(charge, outcome, Actor.Pipeline, cancellationToken).ConfigureAwait(false);
                break;

            case PspOutcome.Declined declined:
                await MoveAsync(charge, new ChargeFact.Declined(declined.Intent?.Id, declined.Code, declined.Message), Actor.Pipeline, cancellationToken).ConfigureAwait(false);
                break;

            case PspOutcome.Refused refused when firstSend || refused.Saved:
                // Refused by validation on the first send, or the PSP's saved refusal: nothing ran.
                await MoveAsync(charge, new ChargeFact.Refused(refused.Status, refused.Type, refused.Message), Actor.Pipeline, cancellationToken).ConfigureAwait(false);
                break;

            case PspOutcome.Unavailable unavailable:
                // Nothing reached the PSP (or it refused before running): safe to send again later,
                // with the same key. An open circuit waits out its break, jittered so that the
                // charges it held back do not all come back at the same instant.
                var wait = unavailable.Reason == "circuit_open" ? Jittered(_psp.BreakDuration) : Backoff(charge.AttemptCount);
                await store.UpdatePendingAsync(charge.Id, PendingReason.PspUnavailable, wait, keySettled: false, cancellationToken).ConfigureAwait(false);
                break;

            default:
                // Indeterminate, a refusal of a replay (the first send may have run), or a 404 the
                // contract does not have: resolved by reading.
                var settled = outcome is PspOutcome.Indeterminate { KeySettled: true };
                await store.UpdatePendingAsync(charge.Id, PendingReason.OutcomeUnknown, Backoff(charge.AttemptCount), settled, cancellationToken).ConfigureAwait(false);
                Log.OutcomeUnknown(logger, charge.Id, Describe(outcome));
                break;
        }
    }

    /// <summary>
    /// Moves the charge to what the PSP's PaymentIntent says, if that is forward. False when the
    /// answer cannot be applied: not a PaymentIntent, or one that cannot be this charge's.
    /// </summary>
    private async Task<bool> FollowPaymentIntentAsync(ChargeRow charge, PspOutcome read, string actor, CancellationToken cancellationToken)
    {
        if (read is not PspOutcome.Completed { Intent: var intent })
        {
            return false;
        }

        if (intent.MismatchWith(charge.Id, charge.Amount, charge.Currency, charge.PspReference) is { } mismatch)
        {
            Log.PspMismatch(logger, "charge", charge.Id, intent.Id, mismatch);
            metrics.PspMismatch("charge");
            if (charge.Status == ChargeStatus.Pending)
            {
                await store.UpdatePendingAsync(charge.Id, PendingReason.PspMismatch, Backoff(charge.AttemptCount + 1), keySettled: false, cancellationToken).ConfigureAwait(false);
            }

            return false;
        }

        await MoveAsync(charge, new ChargeFact.IntentShown(intent), actor, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Applies what <paramref name="fact"/> does to the charge as the lifecycle decides it from
    /// the row as it is. When the row changed since it was read (another instance, a webhook), it
    /// is read again and the lifecycle decides again from it with the same fact: a decision made
    /// on the old row is never re-applied.
    /// </summary>
    private async Task MoveAsync(ChargeRow charge, ChargeFact fact, string actor, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxRaceRetries; attempt++)
        {
            switch (ChargeLifecycle.Decide(charge, fact))
            {
                case ChargeDecision.StayPending stay:
                    // Still in motion at the PSP (processing and the like): look again later.
                    await store.UpdatePendingAsync(charge.Id, stay.PendingReason, Backoff(charge.AttemptCount), keySettled: false, cancellationToken).ConfigureAwait(false);
                    return;
                case ChargeDecision.Move move:
                    if (await TryApplyAsync(charge, move, actor, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }

                    charge = await store.LoadAsync(charge.Id, cancellationToken).ConfigureAwait(false) ?? charge;
                    break;
                default:
                    Log.StaleMoveIgnored(logger, charge.Id, charge.Status, fact.Name);
                    return;
            }
        }

        throw new InvalidOperationException($"Charge {charge.Id} kept changing under its transitions.");
    }

    /// <summary>One move, conditional on the row's status and version; false when the row changed.</summary>
    private async Task<bool> TryApplyAsync(ChargeRow charge, ChargeDecision.Move move, string actor, CancellationToken cancellationToken)
    {
        var transition = await TransitionForAsync(charge, move, actor, cancellationToken).ConfigureAwait(false);
        if (await transitions.ApplyAsync(transition, cancellationToken).ConfigureAwait(false) is not { } json)
        {
            return false;
        }

        metrics.Transitioned(move.To, actor);
        notifier.Notify(charge.Id, json);
        return true;
    }

    /// <summary>
    /// A refund event about a captured charge may be a refund made at the PSP directly: each such
    /// refund that succeeded becomes one of the charge's refunds (origin <c>psp</c>), once. False
    /// when the PSP could not be read; the webhook's follow-up then comes due again.
    /// </summary>
    private async Task<bool> RecordPspRefundsAsync(ChargeRow charge, CancellationToken cancellationToken)
    {
        var listed = await psp.ListRefundsAsync(charge.PspReference!, cancellationToken).ConfigureAwait(false);
        if (listed is not PspOutcome.RefundsListed { Refunds: var refunds })
        {
            return false;
        }

        // Ours carry metadata[refund_id] and end through their own step; one that is pending at the PSP comes again with its next event.
        foreach (var refund in refunds.Where(r => r.RefundId is null && r.Status == "succeeded" && r.PaymentIntentId == charge.PspReference))
        {
            await operations.RecordPspRefundAsync(charge.Id, refund.Id, refund.Amount, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// A captured charge's dispute follows the PSP's: recorded once when the PSP opened it, then
    /// moved as the PSP shows it, through <see cref="DisputeLifecycle"/>. False when the PSP could not be read.
    /// </summary>
    private async Task<bool> FollowDisputesAsync(ChargeRow charge, CancellationToken cancellationToken)
    {
        var listed = await psp.ListDisputesAsync(charge.PspReference!, cancellationToken).ConfigureAwait(false);
        if (listed is not PspOutcome.DisputesListed { Disputes: var shown })
        {
            return false;
        }

        foreach (var dispute in shown.Where(d => d.PaymentIntentId == charge.PspReference))
        {
            var ours = await disputes.FindByPspReferenceAsync(dispute.Id, cancellationToken).ConfigureAwait(false);
            if (ours is null)
            {
                await disputes.OpenAsync(charge.Id, dispute.Id, dispute.Amount, dispute.Fee, dispute.Reason, Actor.Psp, cancellationToken).ConfigureAwait(false);
                ours = await disputes.FindByPspReferenceAsync(dispute.Id, cancellationToken).ConfigureAwait(false);
            }

            if (ours is { } recorded && DisputeLifecycle.MoveTo(recorded.Status, dispute.Status) is { } eventType)
            {
                await disputes.MoveAsync(recorded.Id, recorded.Status, dispute.Status, eventType, Actor.Psp, cancellationToken).ConfigureAwait(false);
            }
        }

        return true;
    }

    /// <summary>The transition row for a move: amounts never go down, and a newly captured amount carries its fee.</summary>
    private async Task<ChargeTransition> TransitionForAsync(ChargeRow charge, ChargeDecision.Move move, string actor, CancellationToken cancellationToken)
    {
        var capturedDelta = Math.Max(0, move.Captured - charge.AmountCaptured);
        var fee = 0L;
        if (capturedDelta > 0)
        {
            var merchant = await merchants.FindAsync(charge.MerchantId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Merchant {charge.MerchantId} of charge {charge.Id} is missing.");
            fee = merchant.FeeFor(capturedDelta);
        }

        return new ChargeTransition(charge.Id, charge.Status, charge.Version, move.To, move.PspReference,
            Math.Max(move.Authorized, charge.AmountAuthorized), Math.Max(move.Captured, charge.AmountCaptured),
            move.FailureCode, move.FailureMessage, actor, move.Reason, capturedDelta, fee, move.CancellationReason);
    }

    /// <summary>Whether the PSP still remembers a key first sent after <see cref="AttemptMark.RecordedAt"/> (invariant 9).</summary>
    private bool MaySend(AttemptMark mark) => mark.Now < mark.RecordedAt + _psp.SendWindow;

    private static PaymentIntentRequest RequestFor(ChargeRow charge) =>
        new(charge.Id, charge.MerchantId, charge.Amount, charge.Currency, charge.PaymentMethod, charge.Capture, charge.Description);

    private TimeSpan Backoff(int attempts) => RetryDelays.Backoff(attempts, _options.ResolveBackoff, _options.ResolveBackoffMax);

    private static TimeSpan Jittered(TimeSpan wait) => RetryDelays.Jittered(wait);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Describe(PspOutcome outcome) => outcome switch
    {
        PspOutcome.Indeterminate i => i.Reason,
        PspOutcome.Unavailable u => u.Reason,
        _ => outcome.GetType().Name,
    };
}
