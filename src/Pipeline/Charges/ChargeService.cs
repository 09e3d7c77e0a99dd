using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Partitioning;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Charges;

/// <summary>
/// Creating a charge, as the ingress sees it: record the intent durably (group commit),
/// hand it to its partition, and wait a bounded time for the outcome. A replay of the key
/// answers the charge the first request created, in its current state. "Nothing recorded" is
/// answered only when that is known: a commit that broke under way answers "outcome unknown",
/// and a read that fails after the commit answers the charge as it was committed.
/// </summary>
public sealed class ChargeService(
    IntentBatcher batcher,
    ChargeStore store,
    PartitionedWorkerPool<WorkItem> pool,
    OutcomeNotifier notifier,
    ChargesInProgress inProgress,
    ChargeMetrics metrics,
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

            // Refused before anything is read or written: under overload a refusal must be cheap.
            // A client retrying a key that was accepted earlier gets its charge once there is room.
            // The merchant's slot is reserved here and given back unless its charge is recorded.
            var since = Stopwatch.GetTimestamp();
            if (!inProgress.TryAdmit(intent.MerchantId))
            {
                return new ChargeAnswer.Overloaded();
            }

            var reserved = true;
            InsertedIntent inserted;
            try
            {
                var submitted = batcher.TrySubmit(chargeId, intent);
                if (submitted is null)
                {
                    return new ChargeAnswer.Overloaded();
                }

                try
                {
                    inserted = await submitted.ConfigureAwait(false);
                }
                catch (Exception e) when (e is NpgsqlException or DatabaseUnreachableException or TimeoutException or IOException)
                {
                    return CommitFailure.NothingCommitted(e) ? new ChargeAnswer.Unavailable() : new ChargeAnswer.OutcomeUnknown();
                }

                if (inserted.RefusedAsDuplicate)
                {
                    metrics.SuspectedDuplicate(refused: true);
                    return new ChargeAnswer.SuspectedDuplicate(inserted.SuspectedDuplicateOf!);
                }

                if (inserted.Inserted)
                {
                    if (inserted.SuspectedDuplicateOf is not null)
                    {
                        metrics.SuspectedDuplicate(refused: false);
                    }

                    inProgress.Started(chargeId, intent.MerchantId);
                    reserved = false;
                    return await HandOverAsync(intent, chargeId, inserted.ChargeJson!, since, respondAsync, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                if (reserved)
                {
                    inProgress.Withdraw(intent.MerchantId);
                }
            }

            // Nothing was recorded by this request: from here a database failure is "unavailable".
            try
            {
                var existing = await store.FindByIdempotencyKeyAsync(intent.MerchantId, intent.IdempotencyKey, cancellationToken).ConfigureAwait(false);
                if (existing is { } found)
                {
                    return !found.RequestHash.AsSpan().SequenceEqual(intent.RequestHash)
                        ? new ChargeAnswer.KeyReused()
                        : await AnswerReplayAsync(intent.MerchantId, found.Id, found.Status, found.Json, respondAsync, cancellationToken).ConfigureAwait(false);
                }

                if (intent.OrderId is not null
                    && await store.FindLiveChargeForOrderAsync(intent.MerchantId, intent.OrderId, cancellationToken).ConfigureAwait(false) is { } live)
                {
                    return new ChargeAnswer.DuplicateOrder(live);
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                return new ChargeAnswer.Unavailable();
            }
        }

        throw new InvalidOperationException("The intent kept conflicting with rows that then disappeared.");
    }

    /// <summary>
    /// The intent is committed: hand it to its partition and answer with its outcome if it comes
    /// in time. From here the answer always carries the charge; it is recorded whatever happens.
    /// </summary>
    private async Task<ChargeAnswer> HandOverAsync(ChargeIntent intent, string chargeId, string committedJson, long since, bool respondAsync, CancellationToken cancellationToken)
    {
        // Registered before the hand-off, so an outcome that comes fast is not missed.
        var outcome = respondAsync ? null : notifier.Register(chargeId);

        // A full partition is backpressure, not an error: the intent is durable and the recovery
        // sweep hands it over once the partition has room.
        pool.TryEnqueue(new WorkItem(chargeId, WorkKind.Advance, Fresh: FreshRow(chargeId, intent), FreshSince: since));
        if (outcome is null)
        {
            return new ChargeAnswer.Charge(committedJson, IsFinal: false, Replayed: false);
        }

        // A transition that comes in time carries its committed JSON, so the answer needs no read.
        var (notified, transitioned) = await notifier.WaitAsync(chargeId, outcome, _options.AnswerWait, cancellationToken).ConfigureAwait(false);
        if (notified && transitioned is not null)
        {
            return new ChargeAnswer.Charge(transitioned, IsFinal: true, Replayed: false);
        }

        try
        {
            var (status, json) = await store.FindJsonAsync(intent.MerchantId, chargeId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Charge {chargeId} vanished.");
            return new ChargeAnswer.Charge(json, IsFinal: status != ChargeStatus.Pending, Replayed: false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The charge is recorded; as committed it is a true answer (pending), never "nothing recorded".
            return new ChargeAnswer.Charge(committedJson, IsFinal: false, Replayed: false);
        }
    }

    /// <summary>A replay: the charge the key created, waiting a bounded time while it is pending.</summary>
    private async Task<ChargeAnswer> AnswerReplayAsync(string merchantId, string chargeId, string status, string json, bool respondAsync, CancellationToken cancellationToken)
    {
        if (respondAsync || status != ChargeStatus.Pending)
        {
            return new ChargeAnswer.Charge(json, IsFinal: status != ChargeStatus.Pending, Replayed: true);
        }

        var outcome = notifier.Register(chargeId);
        try
        {
            // Read again now that we listen: the outcome may have come before we registered.
            var current = await store.FindJsonAsync(merchantId, chargeId, cancellationToken).ConfigureAwait(false);
            if (current is { Status: ChargeStatus.Pending })
            {
                await notifier.WaitAsync(chargeId, outcome, _options.AnswerWait, cancellationToken).ConfigureAwait(false);
                current = await store.FindJsonAsync(merchantId, chargeId, cancellationToken).ConfigureAwait(false);
            }

            var (now, answer) = current ?? throw new InvalidOperationException($"Charge {chargeId} vanished.");
            return new ChargeAnswer.Charge(answer, IsFinal: now != ChargeStatus.Pending, Replayed: true);
        }
        finally
        {
            notifier.Forget(chargeId, outcome);
        }
    }

    /// <summary>The row just inserted, as the state machine reads it (version 1, no attempt yet).</summary>
    private static ChargeRow FreshRow(string chargeId, ChargeIntent intent) => new(
        chargeId, intent.MerchantId, ChargeStatus.Pending, PendingReason.AwaitingPsp, intent.Amount, intent.Currency, intent.PaymentMethod,
        intent.Capture, intent.Description, PspReference: null, AmountAuthorized: 0, AmountCaptured: 0, AttemptCount: 0, PspKeySettledAt: null, Version: 1,
        AmountSplit: intent.SplitTotal);
}
