using Payments.Pipeline.Charges.Lifecycle;
using Payments.Pipeline.Operations;
using Payments.Pipeline.Psp;
using Payments.Pipeline.Sellers;

namespace Payments.Pipeline.Charges;

/// <summary>
/// Captures, voids and refunds. Each runs in its charge's partition (serialized with every
/// other step of the charge), is recorded before the PSP is called, and calls the PSP under a
/// key derived from its own id. A new operation first tries to resolve a previous one whose
/// answer is unknown; if it stays unknown, nothing is sent: a second capture while the first
/// is unknown is how other systems captured twice.
/// </summary>
internal sealed partial class ChargeProcessor
{
    private static readonly TimeSpan InProgressRetryAfter = TimeSpan.FromSeconds(2);

    // The PSP's refusal of a capture or cancel whose PaymentIntent is no longer in a state that allows it.
    private const string UnexpectedState = "payment_intent_unexpected_state";

    private async Task ExecuteCommandAsync(ChargeCommand command, CancellationToken cancellationToken)
    {
        if (!command.TryStart())
        {
            // The requester gave up before this began and was told nothing was recorded.
            return;
        }

        try
        {
            var answer = command switch
            {
                CaptureCommand capture => await CaptureOrVoidAsync(capture, OpenStep.Capture, capture.Amount, cancellationToken).ConfigureAwait(false),
                VoidCommand @void => await CaptureOrVoidAsync(@void, OpenStep.Void, null, cancellationToken).ConfigureAwait(false),
                RefundCommand refund => await RefundAsync(refund, cancellationToken).ConfigureAwait(false),
                _ => throw new InvalidOperationException($"Unknown command {command.GetType().Name}."),
            };
            command.Finish(answer);
        }
        catch (Exception e)
        {
            command.Recorded.TrySetResult();
            command.Answer.TrySetException(e);
            throw;
        }
    }

    private async Task<OperationAnswer> CaptureOrVoidAsync(ChargeCommand command, string kind, long? amount, CancellationToken cancellationToken)
    {
        var existing = await operations.FindOperationByKeyAsync(command.MerchantId, kind, command.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        if (existing is { } found)
        {
            return !found.RequestHash.AsSpan().SequenceEqual(command.RequestHash)
                ? new OperationAnswer.KeyReused()
                : await StepAnswerAsync(command.MerchantId, found.ChargeId, kind, found.Status != "pending", replayed: true, cancellationToken).ConfigureAwait(false);
        }

        var charge = await store.LoadAsync(command.ChargeId, cancellationToken).ConfigureAwait(false);
        if (charge is null || charge.MerchantId != command.MerchantId)
        {
            return new OperationAnswer.NotFound();
        }

        if (await ResolveOpenStepsAsync(charge, cancellationToken).ConfigureAwait(false))
        {
            return new OperationAnswer.InProgress(InProgressRetryAfter);
        }

        charge = await store.LoadAsync(command.ChargeId, cancellationToken).ConfigureAwait(false) ?? charge;
        if (charge.Status != ChargeStatus.Authorized || charge.PspReference is null)
        {
            return new OperationAnswer.InvalidState($"The charge is {charge.Status}; only an authorized charge can be {(kind == OpenStep.Capture ? "captured" : "voided")}.");
        }

        if (amount > charge.AmountAuthorized)
        {
            return new OperationAnswer.AmountExceedsCapturable(charge.AmountAuthorized);
        }

        if (kind == OpenStep.Capture && charge.AmountSplit > 0)
        {
            // Refused before anything is recorded or sent: the sellers' splits are owed in full
            // at capture, so a capture must bring in at least them and the platform's fee on it.
            var captured = amount ?? charge.AmountAuthorized;
            var merchant = await merchants.FindAsync(charge.MerchantId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Merchant {charge.MerchantId} of charge {charge.Id} is missing.");
            if (SplitRules.Room(merchant, captured) < charge.AmountSplit)
            {
                return new OperationAnswer.AmountBelowSplits(charge.AmountSplit, merchant.FeeFor(captured));
            }
        }

        var operationId = Ids.NewOperationId();
        if (!await operations.InsertOperationAsync(operationId, command, kind, amount, _options.AttemptLease, cancellationToken).ConfigureAwait(false))
        {
            // A concurrent duplicate (another instance) got there first with this key or another.
            return await operations.FindOperationByKeyAsync(command.MerchantId, kind, command.IdempotencyKey, cancellationToken).ConfigureAwait(false) is { } raced
                ? await ChargeAnswerAsync(command.MerchantId, raced.ChargeId, raced.Status != "pending", replayed: true, cancellationToken).ConfigureAwait(false)
                : new OperationAnswer.InProgress(InProgressRetryAfter);
        }

        command.Recorded.TrySetResult();
        var ended = await RunStepAsync(charge, new OpenStep(operationId, kind, amount, PendingReason.AwaitingPsp, 0, null, null), cancellationToken).ConfigureAwait(false);
        return await StepAnswerAsync(command.MerchantId, charge.Id, kind, ended, replayed: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<OperationAnswer> RefundAsync(RefundCommand command, CancellationToken cancellationToken)
    {
        var existing = await operations.FindRefundByKeyAsync(command.MerchantId, command.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        if (existing is { } found)
        {
            return !found.RequestHash.AsSpan().SequenceEqual(command.RequestHash)
                ? new OperationAnswer.KeyReused()
                : new OperationAnswer.Done(found.Json, found.Status != "pending", Replayed: true);
        }

        var charge = await store.LoadAsync(command.ChargeId, cancellationToken).ConfigureAwait(false);
        if (charge is null || charge.MerchantId != command.MerchantId)
        {
            return new OperationAnswer.NotFound();
        }

        if (await ResolveOpenStepsAsync(charge, cancellationToken).ConfigureAwait(false))
        {
            return new OperationAnswer.InProgress(InProgressRetryAfter);
        }

        var refundId = Ids.NewRefundId();
        var inserted = await operations.InsertRefundAsync(refundId, command, _options.AttemptLease, cancellationToken).ConfigureAwait(false);
        switch (inserted)
        {
            case RefundInsert.ChargeNotFound:
                return new OperationAnswer.NotFound();
            case RefundInsert.NotCaptured notCaptured:
                return new OperationAnswer.InvalidState($"The charge is {notCaptured.Status}; only a captured charge can be refunded.");
            case RefundInsert.Exceeds exceeds:
                return new OperationAnswer.RefundExceedsCaptured(exceeds.Refundable);
            case RefundInsert.Disputed:
                return new OperationAnswer.ChargeDisputed();
            case RefundInsert.KeyTaken:
                return await operations.FindRefundByKeyAsync(command.MerchantId, command.IdempotencyKey, cancellationToken).ConfigureAwait(false) is { } raced
                    ? (raced.RequestHash.AsSpan().SequenceEqual(command.RequestHash) ? new OperationAnswer.Done(raced.Json, raced.Status != "pending", Replayed: true) : new OperationAnswer.KeyReused())
                    : new OperationAnswer.InProgress(InProgressRetryAfter);
        }

        command.Recorded.TrySetResult();
        var amount = ((RefundInsert.Inserted)inserted).Amount;
        await RunStepAsync(charge, new OpenStep(refundId, OpenStep.Refund, amount, PendingReason.AwaitingPsp, 0, null, null), cancellationToken).ConfigureAwait(false);
        var (status, json) = await operations.FindRefundJsonAsync(command.MerchantId, refundId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Refund {refundId} vanished.");
        return new OperationAnswer.Done(json, status != "pending", Replayed: false);
    }

    /// <summary>Tries to end every open step of the charge; true when one is still open.</summary>
    private async Task<bool> ResolveOpenStepsAsync(ChargeRow charge, CancellationToken cancellationToken)
    {
        var open = await operations.OpenStepsAsync(charge.Id, cancellationToken).ConfigureAwait(false);
        if (open.Count == 0)
        {
            return false;
        }

        foreach (var step in open)
        {
            var current = await store.LoadAsync(charge.Id, cancellationToken).ConfigureAwait(false) ?? charge;
            await RunStepAsync(current, step, cancellationToken).ConfigureAwait(false);
        }

        return (await operations.OpenStepsAsync(charge.Id, cancellationToken).ConfigureAwait(false)).Count > 0;
    }

    /// <summary>
    /// One PSP call for a step (the first, or a replay with the same key while the PSP still
    /// remembers it: invariant 9), then, if its answer is not definite, a read of the truth (GET
    /// PaymentIntent, or the PaymentIntent's refunds, neither of which lags). A step ends as failed
    /// only when the read shows it did not happen and nothing under its key can still run: the
    /// key is settled at the PSP, or the send window closed more than a call ago. A refusal is
    /// definite only on the step's first send or as the PSP's saved answer; on a replay the first
    /// send may have run, so it only sends us to the read. True when the step ended.
    /// </summary>
    private async Task<bool> RunStepAsync(ChargeRow charge, OpenStep step, CancellationToken cancellationToken)
    {
        if (await operations.MarkAttemptAsync(step, _options.AttemptLease, cancellationToken).ConfigureAwait(false) is not { } mark)
        {
            return true;
        }

        var paymentIntent = charge.PspReference ?? throw new InvalidOperationException($"Charge {charge.Id} has an operation but no PaymentIntent.");
        var maySend = MaySend(mark);
        PspOutcome? outcome = null;
        if (maySend)
        {
            outcome = step.Kind switch
            {
                OpenStep.Capture => await psp.CapturePaymentIntentAsync(step.Id, paymentIntent, step.Amount, cancellationToken).ConfigureAwait(false),
                OpenStep.Void => await psp.CancelPaymentIntentAsync(step.Id, paymentIntent, cancellationToken).ConfigureAwait(false),
                _ => await psp.CreateRefundAsync(step.Id, paymentIntent, step.Amount!.Value, cancellationToken).ConfigureAwait(false),
            };

            if (outcome is PspOutcome.Refused refused && (mark.Attempts == 1 || refused.Saved))
            {
                // Refused for the object's state or the amount: definite, nothing happened.
                await EndStepAsync(charge, step, succeeded: false, null, refused.Code ?? "psp_refused", refused.Message, cancellationToken).ConfigureAwait(false);
                if (refused.Code == UnexpectedState && step.Kind != OpenStep.Refund)
                {
                    // The PaymentIntent moved without us (the authorization expired, someone at the PSP):
                    // the charge follows it now rather than at its next event.
                    var current = await store.LoadAsync(charge.Id, cancellationToken).ConfigureAwait(false) ?? charge;
                    var moved = await psp.GetPaymentIntentAsync(paymentIntent, cancellationToken).ConfigureAwait(false);
                    await FollowPaymentIntentAsync(current, moved, Actor.Pipeline, cancellationToken).ConfigureAwait(false);
                }

                return true;
            }

            if (outcome.IsDefinite && await ApplyReadAsync(charge, step, outcome, notDoneCode: null, cancellationToken).ConfigureAwait(false) == StepRead.Ended)
            {
                return true;
            }
        }
        else
        {
            Log.SendWindowClosed(logger, step.Kind, step.Id);
        }

        var settledNow = outcome is PspOutcome.Indeterminate { KeySettled: true };
        var notDoneCode = step.PspKeySettledAt is not null || settledNow ? "psp_error"
            : !maySend && mark.Now >= mark.RecordedAt + _psp.SendWindow + _options.AttemptLease ? "psp_key_expired"
            : null;
        var read = step.Kind == OpenStep.Refund
            ? await psp.FindRefundAsync(paymentIntent, step.Id, cancellationToken).ConfigureAwait(false)
            : await psp.GetPaymentIntentAsync(paymentIntent, cancellationToken).ConfigureAwait(false);
        var applied = await ApplyReadAsync(charge, step, read, notDoneCode, cancellationToken).ConfigureAwait(false);
        if (applied == StepRead.Ended)
        {
            return true;
        }

        var reason = applied == StepRead.Mismatch ? PendingReason.PspMismatch
            : outcome is PspOutcome.Unavailable && step.PendingReason != PendingReason.OutcomeUnknown ? PendingReason.PspUnavailable
            : outcome is PspOutcome.RefundCompleted ? PendingReason.AwaitingPsp
            : PendingReason.OutcomeUnknown;
        var retryIn = outcome is PspOutcome.Unavailable { Reason: "circuit_open" } ? Jittered(_psp.BreakDuration) : Backoff(mark.Attempts);
        await operations.UpdatePendingAsync(step, reason, retryIn, settledNow, cancellationToken).ConfigureAwait(false);
        Log.StepStillOpen(logger, step.Kind, step.Id, reason);
        return false;
    }

    /// <summary>
    /// Ends the step from what the PSP shows. <paramref name="notDoneCode"/> is set when nothing
    /// under the step's key can still run, so a read that shows it not done ends it failed.
    /// </summary>
    private async Task<StepRead> ApplyReadAsync(ChargeRow charge, OpenStep step, PspOutcome read, string? notDoneCode, CancellationToken cancellationToken)
    {
        var mismatch = read switch
        {
            PspOutcome.Completed { Intent: var intent } => intent.MismatchWith(charge.Id, charge.Amount, charge.Currency, charge.PspReference),
            PspOutcome.RefundCompleted { Refund: var refund } => refund.MismatchWith(step.Id, charge.PspReference!, step.Amount ?? 0),
            _ => null,
        };
        if (mismatch is not null)
        {
            Log.PspMismatch(logger, step.Kind, step.Id, read is PspOutcome.Completed c ? c.Intent.Id : ((PspOutcome.RefundCompleted)read).Refund.Id, mismatch);
            metrics.PspMismatch(step.Kind);
            return StepRead.Mismatch;
        }

        var kind = step.Kind;
        switch (StepLifecycle.Decide(kind, read, notDoneCode is not null))
        {
            case StepEnd.Succeeded when kind == OpenStep.Refund:
                await operations.FinishRefundAsync(step.Id, succeeded: true, ((PspOutcome.RefundCompleted)read).Refund.Id, null, null, Actor.Pipeline, "refund succeeded at the PSP", cancellationToken).ConfigureAwait(false);
                return StepRead.Ended;
            case StepEnd.Succeeded:
                await EndStepAsync(charge, step, succeeded: true, ((PspOutcome.Completed)read).Intent, null, null, cancellationToken).ConfigureAwait(false);
                return StepRead.Ended;
            case StepEnd.Failed:
                await operations.FinishRefundAsync(step.Id, succeeded: false, ((PspOutcome.RefundCompleted)read).Refund.Id, "refund_failed", "The PSP reported the refund as failed.", Actor.Pipeline, "refund failed at the PSP", cancellationToken).ConfigureAwait(false);
                return StepRead.Ended;
            case StepEnd.OtherWayHappened:
                await EndStepAsync(charge, step, succeeded: false, null, "invalid_state", "The PaymentIntent had already moved on.", cancellationToken).ConfigureAwait(false);
                await FollowPaymentIntentAsync(await store.LoadAsync(charge.Id, cancellationToken).ConfigureAwait(false) ?? charge, read, Actor.Pipeline, cancellationToken).ConfigureAwait(false);
                return StepRead.Ended;
            case StepEnd.FailedIfProven when kind == OpenStep.Refund:
                // The refund list does not lag: nothing under the key can run any more, and it is not there.
                await operations.FinishRefundAsync(step.Id, succeeded: false, null, notDoneCode, "The PSP did not carry the refund out.", Actor.Pipeline, "proven not carried out", cancellationToken).ConfigureAwait(false);
                return StepRead.Ended;
            case StepEnd.FailedIfProven:
                // GET does not lag: nothing under the key can run any more, and the PaymentIntent is untouched.
                await EndStepAsync(charge, step, succeeded: false, null, notDoneCode, "The PSP did not carry the operation out.", cancellationToken).ConfigureAwait(false);
                return StepRead.Ended;
            default:
                return StepRead.Open;
        }
    }

    private enum StepRead
    {
        Open,
        Ended,
        Mismatch,
    }

    private async Task EndStepAsync(ChargeRow charge, OpenStep step, bool succeeded, PaymentIntent? intent, string? failureCode, string? failureMessage, CancellationToken cancellationToken)
    {
        if (step.Kind == OpenStep.Refund)
        {
            await operations.FinishRefundAsync(step.Id, succeeded, null, failureCode, failureMessage, Actor.Pipeline, succeeded ? "refund succeeded" : "refund refused", cancellationToken).ConfigureAwait(false);
            return;
        }

        for (var attempt = 0; attempt < MaxRaceRetries; attempt++)
        {
            // The charge moves with its step, as the lifecycle says the PaymentIntent moves it.
            ChargeTransition? transition = null;
            if (succeeded && intent is not null && ChargeLifecycle.Decide(charge, new ChargeFact.IntentShown(intent)) is ChargeDecision.Move move)
            {
                transition = await TransitionForAsync(charge, move with { Reason = $"{step.Kind} {step.Id} succeeded" }, Actor.Pipeline, cancellationToken).ConfigureAwait(false);
            }

            if (await operations.FinishOperationAsync(step.Id, succeeded, failureCode, failureMessage, transition, cancellationToken).ConfigureAwait(false))
            {
                if (transition is not null)
                {
                    metrics.Transitioned(transition.ToStatus, transition.Actor);
                }

                notifier.Notify(charge.Id);
                return;
            }

            charge = await store.LoadAsync(charge.Id, cancellationToken).ConfigureAwait(false) ?? charge;
        }

        throw new InvalidOperationException($"Charge {charge.Id} kept changing while {step.Kind} {step.Id} ended.");
    }

    /// <summary>
    /// The answer to a capture or void, first or replayed, as a first request would get it now: the
    /// charge, unless the step ended and the charge went another way (voided when the authorization
    /// expired, captured at the PSP), which is 409 like any capture of a charge that is not authorized.
    /// </summary>
    private async Task<OperationAnswer> StepAnswerAsync(string merchantId, string chargeId, string kind, bool ended, bool replayed, CancellationToken cancellationToken)
    {
        var target = kind == OpenStep.Capture ? ChargeStatus.Captured : ChargeStatus.Voided;
        if (ended && await store.LoadAsync(chargeId, cancellationToken).ConfigureAwait(false) is { } charge
            && charge.Status != ChargeStatus.Authorized && charge.Status != target)
        {
            return new OperationAnswer.InvalidState($"The charge is {charge.Status}; only an authorized charge can be {(kind == OpenStep.Capture ? "captured" : "voided")}.");
        }

        return await ChargeAnswerAsync(merchantId, chargeId, ended, replayed, cancellationToken).ConfigureAwait(false);
    }

    private async Task<OperationAnswer> ChargeAnswerAsync(string merchantId, string chargeId, bool isFinal, bool replayed, CancellationToken cancellationToken)
    {
        var (_, json) = await store.FindJsonAsync(merchantId, chargeId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Charge {chargeId} vanished.");
        return new OperationAnswer.Done(json, isFinal, replayed);
    }
}
