using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PspSimulator.Clock;
using PspSimulator.Events;
using PspSimulator.PaymentIntents;
using PspSimulator.Protocol;
using PspSimulator.Truth;

namespace PspSimulator.Refunds;

/// <summary>
/// Refunds. The rules money depends on, enforced under the PaymentIntent's lock: the sum of its refunds
/// (pending ones included) never exceeds what was captured, less what a lost dispute already gave back
/// to the cardholder, however many partial refunds race; and nothing is refunded while a dispute is open,
/// since the disputed money is already held back (Stripe's <c>charge_disputed</c>). A refund without
/// <c>metadata[refund_id]</c> is one made at the PSP directly and is as good as any other.
/// </summary>
internal sealed class RefundStore(
    PaymentIntentStore intents,
    EventPublisher events,
    MovementLog movements,
    SimulatorClock clock,
    IOptions<SimulatorOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<RefundStore> logger)
{
    private readonly ConcurrentDictionary<string, RefundState> _refunds = new(StringComparer.Ordinal);
    private readonly int _pendingMs = options.Value.RefundPendingMs;

    public int Count => _refunds.Count;

    public IEnumerable<RefundState> All => _refunds.Values;

    public StripeResponse Create(CreateRefundRequest request, OperationContext context)
    {
        if (!intents.TryGet(request.PaymentIntent, out var intent))
        {
            return StripeErrors.InvalidRequest("No such payment_intent: '" + request.PaymentIntent + "'", "payment_intent", "resource_missing");
        }

        lock (intent.Gate)
        {
            intents.ExpireIfDue(intent);
            if (intent.Status != PaymentIntentStatus.Succeeded)
            {
                return StripeErrors.UnexpectedState(
                    "This PaymentIntent (" + intent.Id + ") does not have a successful charge to refund.",
                    intent.ToDto());
            }

            if (intent.Dispute is { IsOpen: true } open)
            {
                return StripeErrors.InvalidRequest(
                    "Charge " + intent.LatestCharge + " has an open dispute (" + open.Id + "); it cannot be refunded until the dispute closes.",
                    null,
                    "charge_disputed");
            }

            var chargedBack = intent.Dispute?.ChargedBack ?? 0;
            var remaining = intent.AmountReceived - intent.AmountRefunded - chargedBack;
            if (remaining == 0 && chargedBack > 0)
            {
                return StripeErrors.InvalidRequest(
                    "Charge " + intent.LatestCharge + " has been charged back; nothing is left to refund.",
                    null,
                    "charge_disputed");
            }

            if (remaining == 0)
            {
                return StripeErrors.InvalidRequest(
                    "Charge " + intent.LatestCharge + " has already been refunded.",
                    null,
                    "charge_already_refunded");
            }

            var amount = request.Amount ?? remaining;
            if (amount > remaining)
            {
                return StripeErrors.InvalidRequest(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})."),
                    "amount",
                    "amount_too_large");
            }

            var refund = new RefundState(Ids.New("re"), intent.Id, amount, intent.Request.Currency, request.Metadata, clock.UnixSeconds);
            _refunds[refund.Id] = refund;
            intent.AmountRefunded += amount;
            intent.AddRefund(refund.Id);
            intent.LastChangedAt = refund.Created;
            movements.Record(
                MovementKind.Refund,
                intent.Id,
                refund.Id,
                amount,
                intent.Request.Currency,
                context.IdempotencyKey,
                intent.Request.ChargeId,
                request.Metadata.GetValueOrDefault("refund_id"));

            if (_pendingMs > 0)
            {
                var pending = Serialize(refund);
                events.Publish(EventTypes.RefundCreated, refund.Id, pending);
                _ = SucceedLaterAsync(intent, refund);
                return new StripeResponse(StatusCodes.Status200OK, pending);
            }

            refund.Status = RefundStatus.Succeeded;
            var json = Serialize(refund);
            events.Publish(EventTypes.RefundCreated, refund.Id, json);
            events.Publish(EventTypes.RefundUpdated, refund.Id, json);
            return new StripeResponse(StatusCodes.Status200OK, json);
        }
    }

    public StripeResponse Retrieve(string id)
    {
        if (!_refunds.TryGetValue(id, out var refund) || !intents.TryGet(refund.PaymentIntent, out var intent))
        {
            return StripeErrors.ResourceMissing("No such refund: '" + id + "'", "id");
        }

        lock (intent.Gate)
        {
            return new StripeResponse(StatusCodes.Status200OK, Serialize(refund));
        }
    }

    /// <summary>Every refund of a PaymentIntent, newest first, without lag.</summary>
    public StripeResponse ListFor(string paymentIntentId)
    {
        var data = new List<RefundDto>();
        if (intents.TryGet(paymentIntentId, out var intent))
        {
            lock (intent.Gate)
            {
                for (var i = intent.RefundIds.Count - 1; i >= 0; i--)
                {
                    if (_refunds.TryGetValue(intent.RefundIds[i], out var refund))
                    {
                        data.Add(refund.ToDto());
                    }
                }
            }
        }

        var list = new RefundListDto("list", data, false, "/v1/refunds");
        return new StripeResponse(StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(list, StripeJsonContext.Default.RefundListDto));
    }

    public void Forget(PaymentIntentState intent)
    {
        foreach (var id in intent.RefundIds)
        {
            _refunds.TryRemove(id, out _);
        }
    }

    private static byte[] Serialize(RefundState refund) =>
        JsonSerializer.SerializeToUtf8Bytes(refund.ToDto(), StripeJsonContext.Default.RefundDto);

    private async Task SucceedLaterAsync(PaymentIntentState intent, RefundState refund)
    {
        try
        {
            await Task.Delay(_pendingMs, lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (intent.Gate)
        {
            // Forgotten meanwhile (POST /_sim/reset): it must not come back as an event of the fresh simulator.
            if (!_refunds.TryGetValue(refund.Id, out var current) || !ReferenceEquals(current, refund))
            {
                return;
            }

            refund.Status = RefundStatus.Succeeded;
            intent.LastChangedAt = clock.UnixSeconds;
            events.Publish(EventTypes.RefundUpdated, refund.Id, Serialize(refund));
        }

        Log.RefundSucceeded(logger, refund.Id);
    }

    /// <summary>Forgets everything; only <c>POST /_sim/reset</c> calls this.</summary>
    public void Clear() => _refunds.Clear();
}
