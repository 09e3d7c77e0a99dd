using Microsoft.Extensions.Options;
using Payments.Pipeline.Partitioning;

namespace Payments.Pipeline.Charges;

/// <summary>
/// Creating a charge, as the ingress sees it: record the intent durably (group commit),
/// hand it to its partition, and wait a bounded time for the outcome. A replay of the key
/// answers the charge the first request created, in its current state.
/// </summary>
public sealed class ChargeService(
    IntentBatcher batcher,
    ChargeStore store,
    PartitionedWorkerPool pool,
    OutcomeNotifier notifier,
    ChargesInProgress inProgress,
    IOptions<ChargeOptions> options)
{
    // A conflict on the order whose charge then failed (freeing the order) is retried.
    private const int MaxConflictRounds = 3;

    private readonly ChargeOptions _options = options.Value;

    public async Task<ChargeAnswer> CreateAsync(ChargeIntent intent, bool respondAsync, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(intent);
        for (var round = 0; round < MaxConflictRounds; round++)
        {
            var chargeId = Ids.NewChargeId();

            // Registered before the hand-off, so an outcome that comes fast is not missed.
            var outcome = respondAsync ? null : notifier.Register(chargeId);
            // Refused before anything is read or written: under overload a refusal must be cheap.
            // A client retrying a key that was accepted earlier gets its charge once there is room.
            var submitted = inProgress.HasRoom ? batcher.TrySubmit(chargeId, intent) : null;
            if (submitted is null)
            {
                return new ChargeAnswer.Overloaded();
            }

            var inserted = await submitted.ConfigureAwait(false);
            if (inserted.Inserted)
            {
                inProgress.Started(chargeId);
                // A full partition is backpressure, not an error: the intent is durable and the
                // recovery sweep hands it over once the partition has room.
                pool.TryEnqueue(new WorkItem(chargeId, WorkKind.Advance, Fresh: FreshRow(chargeId, intent)));
                if (outcome is null)
                {
                    return new ChargeAnswer.Charge(inserted.ChargeJson!, IsFinal: false, Replayed: false);
                }

                return await AnswerAfterWaitAsync(intent.MerchantId, chargeId, outcome, replayed: false, cancellationToken).ConfigureAwait(false);
            }

            var existing = await store.FindByIdempotencyKeyAsync(intent.MerchantId, intent.IdempotencyKey, cancellationToken).ConfigureAwait(false);
            if (existing is { } found)
            {
                if (!found.RequestHash.AsSpan().SequenceEqual(intent.RequestHash))
                {
                    return new ChargeAnswer.KeyReused();
                }

                if (respondAsync || ChargeStatus.IsFinal(found.Status) || found.Status == ChargeStatus.Authorized)
                {
                    return new ChargeAnswer.Charge(found.Json, IsFinal: found.Status != ChargeStatus.Pending, Replayed: true);
                }

                return await AnswerAfterWaitAsync(intent.MerchantId, found.Id, notifier.Register(found.Id), replayed: true, cancellationToken).ConfigureAwait(false);
            }

            if (intent.OrderId is not null
                && await store.FindLiveChargeForOrderAsync(intent.MerchantId, intent.OrderId, cancellationToken).ConfigureAwait(false) is { } live)
            {
                return new ChargeAnswer.DuplicateOrder(live);
            }
        }

        throw new InvalidOperationException("The intent kept conflicting with rows that then disappeared.");
    }

    /// <summary>The row just inserted, as the state machine reads it (version 1, no attempt yet).</summary>
    private static ChargeRow FreshRow(string chargeId, ChargeIntent intent) => new(
        chargeId, intent.MerchantId, ChargeStatus.Pending, PendingReason.AwaitingPsp, intent.Amount, intent.Currency, intent.PaymentMethod,
        intent.Capture, intent.Description, PspReference: null, AmountAuthorized: 0, AmountCaptured: 0, AttemptCount: 0, PspKeySettledAt: null, Version: 1);

    private async Task<ChargeAnswer> AnswerAfterWaitAsync(string merchantId, string chargeId, Task<string?> outcome, bool replayed, CancellationToken cancellationToken)
    {
        if (!replayed)
        {
            // A new charge was pending when committed; a transition that comes in time carries
            // its committed JSON, so the answer needs no read.
            var (notified, committed) = await notifier.WaitAsync(chargeId, outcome, _options.AnswerWait, cancellationToken).ConfigureAwait(false);
            if (notified && committed is not null)
            {
                return new ChargeAnswer.Charge(committed, IsFinal: true, Replayed: false);
            }
        }

        // Read once first for a replay: the outcome may have come before we registered.
        var current = await store.FindJsonAsync(merchantId, chargeId, cancellationToken).ConfigureAwait(false);
        if (replayed && current is { Status: ChargeStatus.Pending })
        {
            await notifier.WaitAsync(chargeId, outcome, _options.AnswerWait, cancellationToken).ConfigureAwait(false);
            current = await store.FindJsonAsync(merchantId, chargeId, cancellationToken).ConfigureAwait(false);
        }

        var (status, json) = current ?? throw new InvalidOperationException($"Charge {chargeId} vanished.");
        return new ChargeAnswer.Charge(json, IsFinal: status != ChargeStatus.Pending, replayed);
    }
}
