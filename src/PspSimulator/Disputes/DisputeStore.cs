using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PspSimulator.Clock;
using PspSimulator.Events;
using PspSimulator.PaymentIntents;
using PspSimulator.Protocol;
using PspSimulator.Truth;

namespace PspSimulator.Disputes;

/// <summary>
/// Disputes. The rules money depends on, enforced under the PaymentIntent's lock (the same lock refunds
/// take): at most one dispute per PaymentIntent, for at most what was captured and not refunded, and no
/// refund while it is open. Opening takes <c>amount + fee</c> from the balance at once (movements
/// <c>dispute</c> and <c>dispute_fee</c>); closing won gives <c>amount</c> back (<c>dispute_reversal</c>);
/// closing lost moves nothing more.
/// </summary>
internal sealed class DisputeStore(
    PaymentIntentStore intents,
    EventPublisher events,
    MovementLog movements,
    SimulatorClock clock,
    IOptions<SimulatorOptions> options,
    ILogger<DisputeStore> logger)
{
    private readonly ConcurrentDictionary<string, DisputeState> _disputes = new(StringComparer.Ordinal);
    private readonly long _fee = options.Value.DisputeFee;

    public int Count => _disputes.Count;

    public bool TryGet(string id, [MaybeNullWhen(false)] out DisputeState dispute) => _disputes.TryGetValue(id, out dispute);

    /// <summary>Opens a dispute as a cardholder's bank would; <paramref name="amount"/> null disputes all that is left.</summary>
    public DisputeControlResult Open(string paymentIntentId, long? amount, string reason)
    {
        if (!intents.TryGet(paymentIntentId, out var intent))
        {
            return DisputeControlResult.Refused("No such payment_intent: '" + paymentIntentId + "'.");
        }

        lock (intent.Gate)
        {
            intents.ExpireIfDue(intent);
            if (intent.Dispute is { } existing)
            {
                return DisputeControlResult.Refused("PaymentIntent " + intent.Id + " already has a dispute (" + existing.Id + ").");
            }

            if (intent.AmountReceived == 0)
            {
                return DisputeControlResult.Refused("PaymentIntent " + intent.Id + " has nothing captured to dispute (status " + intent.Status + ").");
            }

            var disputable = intent.AmountReceived - intent.AmountRefunded;
            var disputed = amount ?? disputable;
            if (disputed < 1 || disputed > disputable)
            {
                return DisputeControlResult.Refused(string.Create(
                    CultureInfo.InvariantCulture,
                    $"amount must be from 1 to {disputable} (captured and not refunded) on PaymentIntent {intent.Id}."));
            }

            var dispute = new DisputeState(Ids.New("dp"), intent.Id, disputed, intent.Request.Currency, _fee, reason, clock.UnixSeconds);
            _disputes[dispute.Id] = dispute;
            intent.Dispute = dispute;
            intent.LastChangedAt = dispute.Created;
            movements.RecordDisputeOpened(intent.Id, dispute.Id, disputed, _fee, dispute.Currency, intent.Request.ChargeId);

            Publish(EventTypes.ChargeDisputeCreated, dispute);
            Log.DisputeMoved(logger, dispute.Id, intent.Id, dispute.Status);
            return DisputeControlResult.Done(dispute);
        }
    }

    /// <summary>Moves a dispute to another status if <see cref="DisputeStatus.CanMove"/> allows it.</summary>
    public DisputeControlResult Move(DisputeState dispute, string to)
    {
        if (!intents.TryGet(dispute.PaymentIntent, out var intent))
        {
            return DisputeControlResult.Refused("Dispute " + dispute.Id + " is gone (its PaymentIntent was pruned).");
        }

        lock (intent.Gate)
        {
            if (!DisputeStatus.CanMove(dispute.Status, to))
            {
                return DisputeControlResult.Refused("Dispute " + dispute.Id + " is " + dispute.Status + "; it cannot move to " + to + ".");
            }

            dispute.Status = to;
            intent.LastChangedAt = clock.UnixSeconds;
            if (to == DisputeStatus.Won)
            {
                movements.RecordDisputeReversal(intent.Id, dispute.Id, dispute.Amount, dispute.Currency, intent.Request.ChargeId);
            }

            Publish(DisputeStatus.IsClosing(to) ? EventTypes.ChargeDisputeClosed : EventTypes.ChargeDisputeUpdated, dispute);
            Log.DisputeMoved(logger, dispute.Id, intent.Id, to);
            return DisputeControlResult.Done(dispute);
        }
    }

    public StripeResponse Retrieve(string id)
    {
        if (!_disputes.TryGetValue(id, out var dispute) || !intents.TryGet(dispute.PaymentIntent, out var intent))
        {
            return StripeErrors.ResourceMissing("No such dispute: '" + id + "'", "dispute");
        }

        lock (intent.Gate)
        {
            return new StripeResponse(StatusCodes.Status200OK, Serialize(dispute));
        }
    }

    /// <summary>The disputes of a PaymentIntent (none or one), without lag.</summary>
    public StripeResponse ListFor(string paymentIntentId)
    {
        var data = new List<DisputeDto>(1);
        if (intents.TryGet(paymentIntentId, out var intent))
        {
            lock (intent.Gate)
            {
                if (intent.Dispute is { } dispute)
                {
                    data.Add(dispute.ToDto());
                }
            }
        }

        var list = new DisputeListDto("list", data, false, "/v1/disputes");
        return new StripeResponse(StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(list, StripeJsonContext.Default.DisputeListDto));
    }

    public void Forget(PaymentIntentState intent)
    {
        if (intent.Dispute is { } dispute)
        {
            _disputes.TryRemove(dispute.Id, out _);
        }
    }

    private static byte[] Serialize(DisputeState dispute) =>
        JsonSerializer.SerializeToUtf8Bytes(dispute.ToDto(), StripeJsonContext.Default.DisputeDto);

    // Called under the PaymentIntent's lock: the event carries the dispute as this move left it.
    private void Publish(string eventType, DisputeState dispute) => events.Publish(eventType, dispute.Id, Serialize(dispute));

    /// <summary>Forgets everything; only <c>POST /_sim/reset</c> calls this.</summary>
    public void Clear() => _disputes.Clear();
}
