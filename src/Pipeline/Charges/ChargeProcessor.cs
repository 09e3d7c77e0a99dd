using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Merchants;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Operations;
using Payments.Pipeline.Partitioning;
using Payments.Pipeline.Psp;

namespace Payments.Pipeline.Charges;

/// <summary>
/// The charge state machine. It runs inside the charge's partition, so two of its steps for
/// one charge never overlap in this process; every move it makes is conditional on the row
/// it read (status and version), so a racing webhook or instance loses cleanly instead.
/// </summary>
public sealed partial class ChargeProcessor(
    ChargeStore store,
    OperationStore operations,
    PspClient psp,
    MerchantStore merchants,
    OutcomeNotifier notifier,
    TransitionBatcher transitions,
    ChargeMetrics metrics,
    IOptions<ChargeOptions> chargeOptions,
    IOptions<PspOptions> pspOptions,
    TimeProvider clock,
    ILogger<ChargeProcessor> logger) : IWorkHandler
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
            // Handed over by the ingress right after its commit: nothing can have moved it yet
            // except a webhook, which the transition's version check would catch.
            await AttemptAsync(fresh, markAttempt: false, cancellationToken).ConfigureAwait(false);
            return;
        }

        var charge = await store.LoadAsync(item.ChargeId, cancellationToken).ConfigureAwait(false);
        if (charge is null)
        {
            return;
        }

        if (charge.Status is ChargeStatus.Authorized or ChargeStatus.Captured)
        {
            // Open captures, voids and refunds first; then, for an authorization a webhook says
            // moved at the PSP, read the PaymentIntent and follow it.
            var stillOpen = await ResolveOpenStepsAsync(charge, cancellationToken).ConfigureAwait(false);
            if (!stillOpen && item.Kind == WorkKind.Refresh && charge.Status == ChargeStatus.Authorized && charge.PspReference is not null)
            {
                charge = await store.LoadAsync(item.ChargeId, cancellationToken).ConfigureAwait(false) ?? charge;
                await FollowPaymentIntentAsync(charge, await psp.GetPaymentIntentAsync(charge.PspReference!, cancellationToken).ConfigureAwait(false), Actor.PspWebhook, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (ChargeStatus.IsFinal(charge.Status))
        {
            return;
        }

        var mayHaveRun = charge.AttemptCount > 0 || charge.PspReference is not null || charge.PendingReason == PendingReason.OutcomeUnknown;
        if (mayHaveRun || item.Kind == WorkKind.Refresh)
        {
            await ResolveAsync(charge, item.Kind == WorkKind.Refresh ? Actor.PspWebhook : Actor.Pipeline, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await AttemptAsync(charge, markAttempt: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The first call to the PSP for a charge (invariant 2: its intent row is committed). A
    /// fresh intent skips counting the attempt in its own commit: the insert already leased it
    /// for <see cref="ChargeOptions.RecoveryThreshold"/>, longer than a call with its retries,
    /// and if this process dies mid-call the sweep's attempt replays the same key, which can
    /// only return what this call did.
    /// </summary>
    private async Task AttemptAsync(ChargeRow charge, bool markAttempt, CancellationToken cancellationToken)
    {
        if (markAttempt)
        {
            var version = await store.MarkAttemptAsync(charge.Id, _options.AttemptLease, cancellationToken).ConfigureAwait(false);
            if (version is null)
            {
                return;
            }

            charge = charge with { Version = version.Value, AttemptCount = charge.AttemptCount + 1 };
        }

        var outcome = await psp.CreatePaymentIntentAsync(RequestFor(charge), cancellationToken).ConfigureAwait(false);
        await ApplyCreateOutcomeAsync(charge, outcome, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Invariant 3: an unknown outcome is resolved by asking the PSP, never by guessing and
    /// never under a new key. First replay the same request with the same key (it can only
    /// return the saved answer, or run for the first time if nothing ran); then read the
    /// PaymentIntent by reference or search. Only when the key is settled at the PSP and a
    /// search made more than the index lag later finds nothing is the charge proven uncharged.
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

        var version = await store.MarkAttemptAsync(charge.Id, _options.AttemptLease, cancellationToken).ConfigureAwait(false);
        if (version is null)
        {
            return;
        }

        charge = charge with { Version = version.Value, AttemptCount = charge.AttemptCount + 1 };
        var replay = await psp.CreatePaymentIntentAsync(RequestFor(charge), cancellationToken).ConfigureAwait(false);
        if (replay.IsDefinite)
        {
            await ApplyCreateOutcomeAsync(charge, replay, cancellationToken).ConfigureAwait(false);
            return;
        }

        var keySettledAt = charge.PspKeySettledAt;
        if (replay is PspOutcome.Indeterminate { KeySettled: true } && keySettledAt is null)
        {
            keySettledAt = clock.GetUtcNow();
        }

        var searchedAt = clock.GetUtcNow();
        var search = await psp.SearchByChargeIdAsync(charge.Id, cancellationToken).ConfigureAwait(false);
        if (search is PspOutcome.Completed)
        {
            await FollowPaymentIntentAsync(charge, search, actor, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (search is PspOutcome.NotFound && keySettledAt is { } settled && searchedAt - settled >= _psp.SearchLag)
        {
            // Proof of no charge: the key can never run again, and the index has had its full
            // lag to show anything it ran. Only now may the charge fail.
            await MoveAsync(charge, ChargeStatus.Failed, null, 0, 0, "psp_error",
                "The PSP failed to process the charge and did not carry it out.", actor, "proven not carried out after PSP error", cancellationToken).ConfigureAwait(false);
            return;
        }

        // Unavailable means nothing ran now; whether anything ran before is what the previous
        // reason says, so an unknown outcome stays unknown until proven either way.
        var reason = replay is PspOutcome.Unavailable && charge.PendingReason != PendingReason.OutcomeUnknown
            ? PendingReason.PspUnavailable
            : PendingReason.OutcomeUnknown;
        var retryIn = replay is PspOutcome.Unavailable { Reason: "circuit_open" } ? _psp.BreakDuration
            : keySettledAt is { } s && search is PspOutcome.NotFound ? Max(s + _psp.SearchLag - searchedAt + TimeSpan.FromMilliseconds(100), _options.ResolveBackoff)
            : Backoff(charge.AttemptCount);
        await store.UpdatePendingAsync(charge.Id, reason, retryIn, keySettledAt, cancellationToken).ConfigureAwait(false);
        Log.OutcomeStillUnknown(logger, charge.Id, Describe(replay), retryIn);
    }

    private async Task ApplyCreateOutcomeAsync(ChargeRow charge, PspOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case PspOutcome.Completed:
                await FollowPaymentIntentAsync(charge, outcome, Actor.Pipeline, cancellationToken).ConfigureAwait(false);
                break;

            case PspOutcome.Declined declined:
                await MoveAsync(charge, ChargeStatus.Failed, declined.Intent?.Id, 0, 0, declined.Code, declined.Message,
                    Actor.Pipeline, "declined by the PSP", cancellationToken).ConfigureAwait(false);
                break;

            case PspOutcome.Refused refused:
                // Refused by validation: the PSP saved nothing and ran nothing.
                await MoveAsync(charge, ChargeStatus.Failed, null, 0, 0, "psp_invalid_request", refused.Message,
                    Actor.Pipeline, $"refused by the PSP ({refused.Status} {refused.Type})", cancellationToken).ConfigureAwait(false);
                break;

            case PspOutcome.Unavailable unavailable:
                // Nothing reached the PSP (or it refused before running): safe to send again later,
                // with the same key. An open circuit waits out its break.
                var wait = unavailable.Reason == "circuit_open" ? _psp.BreakDuration : Backoff(charge.AttemptCount);
                await store.UpdatePendingAsync(charge.Id, PendingReason.PspUnavailable, wait, null, cancellationToken).ConfigureAwait(false);
                break;

            case PspOutcome.Indeterminate indeterminate:
                await store.UpdatePendingAsync(charge.Id, PendingReason.OutcomeUnknown, Backoff(charge.AttemptCount),
                    indeterminate.KeySettled ? clock.GetUtcNow() : null, cancellationToken).ConfigureAwait(false);
                Log.OutcomeUnknown(logger, charge.Id, indeterminate.Reason);
                break;

            default:
                // A 404 on create cannot happen by the contract; treat it as unknown.
                await store.UpdatePendingAsync(charge.Id, PendingReason.OutcomeUnknown, Backoff(charge.AttemptCount), null, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Moves the charge to what the PSP's PaymentIntent says, if that is forward.</summary>
    private async Task FollowPaymentIntentAsync(ChargeRow charge, PspOutcome read, string actor, CancellationToken cancellationToken)
    {
        if (read is not PspOutcome.Completed { Intent: var intent })
        {
            return;
        }

        switch (intent.Status)
        {
            case "succeeded":
                // A partial capture keeps what was authorized; an automatic one authorized what it received.
                await MoveAsync(charge, ChargeStatus.Captured, intent.Id, Math.Max(charge.AmountAuthorized, intent.AmountReceived), intent.AmountReceived, null, null,
                    actor, "PaymentIntent succeeded", cancellationToken).ConfigureAwait(false);
                break;

            case "requires_capture":
                await MoveAsync(charge, ChargeStatus.Authorized, intent.Id, intent.AmountCapturable, 0, null, null,
                    actor, "PaymentIntent requires capture", cancellationToken).ConfigureAwait(false);
                break;

            case "requires_payment_method":
                await MoveAsync(charge, ChargeStatus.Failed, intent.Id, 0, 0, intent.FailureCode ?? "card_declined",
                    intent.FailureMessage ?? "The card was declined.", actor, "PaymentIntent declined", cancellationToken).ConfigureAwait(false);
                break;

            case "canceled":
                var to = charge.Status == ChargeStatus.Authorized ? ChargeStatus.Voided : ChargeStatus.Failed;
                await MoveAsync(charge, to, intent.Id, charge.AmountAuthorized, 0, to == ChargeStatus.Failed ? "canceled" : null,
                    to == ChargeStatus.Failed ? "The PaymentIntent was canceled." : null, actor, "PaymentIntent canceled", cancellationToken).ConfigureAwait(false);
                break;

            default:
                // processing and the like: still in motion at the PSP; look again later.
                if (charge.Status == ChargeStatus.Pending)
                {
                    await store.UpdatePendingAsync(charge.Id, PendingReason.OutcomeUnknown, Backoff(charge.AttemptCount), null, cancellationToken).ConfigureAwait(false);
                }

                break;
        }
    }

    private async Task MoveAsync(
        ChargeRow charge, string to, string? pspReference, long authorized, long captured, string? failureCode, string? failureMessage,
        string actor, string reason, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxRaceRetries; attempt++)
        {
            if (!ChargeStatus.CanMove(charge.Status, to))
            {
                Log.StaleMoveIgnored(logger, charge.Id, charge.Status, to);
                return;
            }

            var capturedDelta = Math.Max(0, captured - charge.AmountCaptured);
            var fee = 0L;
            if (capturedDelta > 0)
            {
                var merchant = await merchants.FindAsync(charge.MerchantId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Merchant {charge.MerchantId} of charge {charge.Id} is missing.");
                fee = merchant.FeeFor(capturedDelta);
            }

            var transition = new ChargeTransition(charge.Id, charge.Status, charge.Version, to, pspReference,
                Math.Max(authorized, charge.AmountAuthorized), Math.Max(captured, charge.AmountCaptured),
                failureCode, failureMessage, actor, reason, capturedDelta, fee);
            if (await transitions.ApplyAsync(transition, cancellationToken).ConfigureAwait(false) is { } json)
            {
                metrics.Transitioned(to, actor);
                notifier.Notify(charge.Id, json);
                return;
            }

            // Someone moved the row since we read it: read again and decide again.
            charge = await store.LoadAsync(charge.Id, cancellationToken).ConfigureAwait(false) ?? charge;
        }

        throw new InvalidOperationException($"Charge {charge.Id} kept changing under its transition to {to}.");
    }

    private static PaymentIntentRequest RequestFor(ChargeRow charge) =>
        new(charge.Id, charge.MerchantId, charge.Amount, charge.Currency, charge.PaymentMethod, charge.Capture, charge.Description);

    private TimeSpan Backoff(int attempts)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 16);
        var delay = TimeSpan.FromTicks(Math.Min(_options.ResolveBackoffMax.Ticks, _options.ResolveBackoff.Ticks << exponent));

        // Jitter, so charges that failed together do not come back together.
        return delay * (0.8 + (Random.Shared.NextDouble() * 0.4));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Describe(PspOutcome outcome) => outcome switch
    {
        PspOutcome.Indeterminate i => i.Reason,
        PspOutcome.Unavailable u => u.Reason,
        _ => outcome.GetType().Name,
    };
}
