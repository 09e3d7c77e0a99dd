using System.Text.Json;
using Microsoft.Extensions.Logging;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Charges.Lifecycle;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Partitioning;
using Payments.Pipeline.Payouts;
using Payments.Pipeline.Psp;
using Prometheus;

namespace Payments.Pipeline.PspWebhooks;

/// <summary>
/// Applies a verified PSP webhook. Delivery is at least once and in any order, so the event
/// is a trigger, not a command: its id is recorded once (a redelivery changes nothing), with a
/// durable follow-up on its charge in the same commit (read the PaymentIntent and apply whatever
/// moves forward), which the recovery sweep runs if the fast hand-off to the partition is lost. A webhook that arrives before our own row shows the PSP
/// call (the race with our answer) is fine: the read is the truth either way. Stale, ignored
/// and unknown events are acknowledged and recorded, never refused (the PSP would retry forever),
/// as the merchant API contract says. One for a charge whose create call this process is making
/// right now (in_flight) is neither: the call's own answer applies what it says.
/// </summary>
internal sealed class PspWebhookHandler(
    PspWebhookStore store, PspWebhookRecorder recorder, PartitionedWorkerPool<WorkItem> pool, PayoutStore payouts, PayoutProcessor payoutProcessor,
    CreateCallsInFlight createCalls, PaymentsMetrics metrics, ILogger<PspWebhookHandler> logger)
{
    private readonly Counter _events = metrics.Counter("payments_psp_events_total", "PSP events handled, by source (webhook, event_log) and outcome.", "source", "outcome");

    /// <summary>Applies one PSP event, from a webhook or from the PSP's event log (<paramref name="source"/>); answers what was done with it.</summary>
    public async Task<string> HandleAsync(JsonElement webhookEvent, string source = PspEventSources.Webhook, CancellationToken cancellationToken = default)
    {
        var outcome = await HandleEventAsync(webhookEvent, source, cancellationToken).ConfigureAwait(false);
        _events.WithLabels(source, outcome).Inc();
        return outcome;
    }

    private async Task<string> HandleEventAsync(JsonElement webhookEvent, string source, CancellationToken cancellationToken)
    {
        var eventId = webhookEvent.GetProperty("id").GetString() ?? throw new JsonException("event without id");
        var type = webhookEvent.GetProperty("type").GetString() ?? throw new JsonException("event without type");
        var data = webhookEvent.GetProperty("data").GetProperty("object");
        var objectId = data.TryGetProperty("id", out var id) ? id.GetString() : null;

        if (type.StartsWith("refund.", StringComparison.Ordinal))
        {
            return await HandleRefundAsync(eventId, type, objectId, data, source, cancellationToken).ConfigureAwait(false);
        }

        if (type.StartsWith("charge.dispute.", StringComparison.Ordinal))
        {
            return await HandleDisputeAsync(eventId, type, objectId, data, source, cancellationToken).ConfigureAwait(false);
        }

        if (type.StartsWith("payout.", StringComparison.Ordinal))
        {
            return await HandlePayoutAsync(eventId, type, objectId, data, source, cancellationToken).ConfigureAwait(false);
        }

        if (!type.StartsWith("payment_intent.", StringComparison.Ordinal))
        {
            return await RecordAsync(new(eventId, type, objectId, "ignored", null, source), cancellationToken).ConfigureAwait(false);
        }

        string? chargeId = null;
        if (data.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("charge_id", out var cid) && cid.ValueKind == JsonValueKind.String)
        {
            chargeId = cid.GetString();
        }

        var charge = await store.FindChargeAsync(chargeId, objectId, cancellationToken).ConfigureAwait(false);
        if (charge is not { } found)
        {
            // A PaymentIntent made at the PSP directly (no charge_id of ours), or another system's.
            Log.UnknownPspObject(logger, eventId, type, objectId, source);
            return await RecordAsync(new(eventId, type, objectId, "unknown_object", null, source), cancellationToken).ConfigureAwait(false);
        }

        var status = data.TryGetProperty("status", out var s) ? s.GetString() : null;
        if (found.Status == ChargeStatus.Pending && createCalls.Contains(found.ChargeId) && CreateCallCanAnswer(status, found.Capture))
        {
            // Our create call for it is under way here: its answer, recorded next, says the same.
            // Any other state (canceled, or captured at the PSP for a manual charge) is a change
            // made at the PSP meanwhile, and is followed up like any event.
            return "in_flight";
        }

        if (!ChargeLifecycle.MayMove(found.Status, status))
        {
            return await RecordAsync(new(eventId, type, objectId, "stale", null, source), cancellationToken).ConfigureAwait(false);
        }

        return await ApplyAsync(new(eventId, type, objectId, "applied", found.ChargeId, source), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The PaymentIntent states a create call can answer for a charge of this capture mode.</summary>
    private static bool CreateCallCanAnswer(string? status, bool capture) =>
        status == "requires_payment_method" || status == (capture ? "succeeded" : "requires_capture");

    /// <summary>A refund event sends its charge through the partition, which resolves the open refund by reading the PSP.</summary>
    private async Task<string> HandleRefundAsync(string eventId, string type, string? objectId, JsonElement data, string source, CancellationToken cancellationToken)
    {
        string? refundId = null;
        if (data.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("refund_id", out var rid) && rid.ValueKind == JsonValueKind.String)
        {
            refundId = rid.GetString();
        }

        var chargeId = await store.FindChargeOfRefundAsync(refundId, objectId, cancellationToken).ConfigureAwait(false);
        if (chargeId is null && refundId is null
            && data.TryGetProperty("payment_intent", out var pi) && pi.ValueKind == JsonValueKind.String)
        {
            // Not a refund of ours yet: maybe one made at the PSP directly, of our charge's PaymentIntent.
            chargeId = (await store.FindChargeAsync(null, pi.GetString(), cancellationToken).ConfigureAwait(false))?.ChargeId;
        }

        if (chargeId is null)
        {
            Log.UnknownPspObject(logger, eventId, type, objectId, source);
            return await RecordAsync(new(eventId, type, objectId, "unknown_object", null, source), cancellationToken).ConfigureAwait(false);
        }

        return await ApplyAsync(new(eventId, type, objectId, "applied", chargeId, source), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A dispute event sends the charge of its PaymentIntent through the partition, which reads the PSP's disputes.</summary>
    private async Task<string> HandleDisputeAsync(string eventId, string type, string? objectId, JsonElement data, string source, CancellationToken cancellationToken)
    {
        var paymentIntent = data.TryGetProperty("payment_intent", out var pi) && pi.ValueKind == JsonValueKind.String ? pi.GetString() : null;
        var charge = paymentIntent is null ? null : await store.FindChargeAsync(null, paymentIntent, cancellationToken).ConfigureAwait(false);
        if (charge is not { } found)
        {
            Log.UnknownPspObject(logger, eventId, type, objectId, source);
            return await RecordAsync(new(eventId, type, objectId, "unknown_object", null, source), cancellationToken).ConfigureAwait(false);
        }

        return await ApplyAsync(new(eventId, type, objectId, "applied", found.ChargeId, source), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A payout event carries the Payout as the PSP had it, signed: it is applied at once through the
    /// payout's lifecycle (forward moves only, so an older state changes nothing), and recorded only
    /// after, so a failure leaves the event to be delivered (or read from the event log) again.
    /// </summary>
    private async Task<string> HandlePayoutAsync(string eventId, string type, string? objectId, JsonElement data, string source, CancellationToken cancellationToken)
    {
        var shown = PspPayout.Parse(data);
        var payout = (shown.PayoutId is { } payoutId ? await payouts.LoadAsync(payoutId, cancellationToken).ConfigureAwait(false) : null)
            ?? await payouts.LoadByPspReferenceAsync(shown.Id, cancellationToken).ConfigureAwait(false);
        if (payout is null)
        {
            // A payout made at the PSP directly, or another system's: the reconciler reports its lines.
            Log.UnknownPspObject(logger, eventId, type, objectId, source);
            return await RecordAsync(new(eventId, type, objectId, "unknown_object", null, source), cancellationToken).ConfigureAwait(false);
        }

        await payoutProcessor.ApplyAsync(payout, shown, Actor.PspWebhook, cancellationToken).ConfigureAwait(false);
        return await RecordAsync(new(eventId, type, objectId, "applied", null, source), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the event with its charge's follow-up, then hands the charge over at once (the fast path).</summary>
    private async Task<string> ApplyAsync(PspEventRecord record, CancellationToken cancellationToken)
    {
        var outcome = await RecordAsync(record, cancellationToken).ConfigureAwait(false);
        if (outcome == "applied")
        {
            // A full partition or a crash loses only this hand-off: the follow-up is durable.
            pool.TryEnqueue(new WorkItem(record.FollowUpChargeId!, WorkKind.Refresh));
        }

        return outcome;
    }

    private async Task<string> RecordAsync(PspEventRecord record, CancellationToken cancellationToken)
    {
        var recorded = recorder.TryRecord(record) ?? throw new PspWebhookBusyException();
        return await recorded.WaitAsync(cancellationToken).ConfigureAwait(false) ? record.Outcome : "duplicate";
    }
}
