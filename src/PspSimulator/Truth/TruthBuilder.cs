using System.Globalization;
using PspSimulator.PaymentIntents;
using PspSimulator.Payouts;
using PspSimulator.Refunds;
using PspSimulator.Settlement;

namespace PspSimulator.Truth;

/// <summary>
/// Assembles the ground truth, whole or for one charge id, from the stores (each intent or payout read
/// under its lock, after letting what is due happen, as every API read does).
/// </summary>
internal sealed class TruthBuilder(
    PaymentIntentStore intents,
    RefundStore refunds,
    PayoutStore payouts,
    MovementLog movements,
    SearchIndex search,
    PlatformBalance balance)
{
    public TruthDto Build(string? chargeId)
    {
        var selected = new List<PaymentIntentState>();
        if (chargeId is null)
        {
            selected.AddRange(intents.All);
        }
        else
        {
            foreach (var id in search.All(chargeId))
            {
                if (intents.TryGet(id, out var state))
                {
                    selected.Add(state);
                }
            }
        }

        var paymentIntents = new List<TruthPaymentIntentDto>(selected.Count);
        var refundIds = new HashSet<string>(StringComparer.Ordinal);
        var disputes = new List<TruthDisputeDto>();
        foreach (var state in selected)
        {
            lock (state.Gate)
            {
                intents.ExpireIfDue(state);
                paymentIntents.Add(new TruthPaymentIntentDto(
                    state.Id,
                    state.Request.Amount,
                    state.Request.Currency,
                    state.Status,
                    state.Request.CaptureMethod,
                    state.AmountCapturable,
                    state.AmountReceived,
                    state.AmountRefunded,
                    state.Request.Metadata,
                    state.Created,
                    state.CancellationReason,
                    state.CaptureBefore));
                refundIds.UnionWith(state.RefundIds);
                if (state.Dispute is { } dispute)
                {
                    disputes.Add(new TruthDisputeDto(
                        dispute.Id,
                        dispute.PaymentIntent,
                        dispute.Amount,
                        dispute.Fee,
                        dispute.Currency,
                        dispute.Status,
                        dispute.Reason,
                        dispute.Created));
                }
            }
        }

        paymentIntents.Sort((a, b) => a.Created != b.Created ? a.Created.CompareTo(b.Created) : string.CompareOrdinal(a.Id, b.Id));
        disputes.Sort((a, b) => a.Created != b.Created ? a.Created.CompareTo(b.Created) : string.CompareOrdinal(a.Id, b.Id));

        var refundRows = refunds.All
            .Where(refund => chargeId is null || refundIds.Contains(refund.Id))
            .Select(refund => new TruthRefundDto(refund.Id, refund.PaymentIntent, refund.Amount, refund.Currency, refund.Status, refund.Metadata, refund.Created))
            .OrderBy(refund => refund.Created)
            .ThenBy(refund => refund.Id, StringComparer.Ordinal)
            .ToList();

        // Read before the movements, so that a payout moved by this very read has its movement listed.
        var payoutRows = chargeId is null ? payouts.Snapshot() : [];

        var movementRows = new List<TruthMovementDto>();
        var byKey = new SortedDictionary<string, MovementCountsDto>(StringComparer.Ordinal);
        var byChargeId = new SortedDictionary<string, MovementCountsDto>(StringComparer.Ordinal);
        var byPayoutId = new SortedDictionary<string, PayoutCountsDto>(StringComparer.Ordinal);
        var totals = new SortedDictionary<string, CurrencyTotalsDto>(StringComparer.Ordinal);
        foreach (var movement in movements.All.OrderBy(m => m.Sequence))
        {
            if (chargeId is not null && movement.ChargeId != chargeId)
            {
                continue;
            }

            movementRows.Add(new TruthMovementDto(
                MovementKindNames.Of(movement.Kind),
                movement.PaymentIntent,
                movement.Refund,
                movement.Amount,
                movement.Currency,
                movement.IdempotencyKey,
                movement.ChargeId,
                movement.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                movement.Dispute,
                movement.Payout,
                movement.PayoutIdMetadata));
            if (movement.IdempotencyKey is { } key)
            {
                Counts(byKey, key).Add(movement.Kind);
            }

            if (movement.ChargeId is { } charge)
            {
                Counts(byChargeId, charge).Add(movement.Kind);
            }

            if (movement.PayoutIdMetadata is { } payoutId)
            {
                if (!byPayoutId.TryGetValue(payoutId, out var payoutCounts))
                {
                    payoutCounts = new PayoutCountsDto();
                    byPayoutId[payoutId] = payoutCounts;
                }

                if (movement.Kind == MovementKind.Payout)
                {
                    payoutCounts.Payout++;
                }
                else
                {
                    payoutCounts.PayoutFailure++;
                }
            }

            if (!totals.TryGetValue(movement.Currency, out var total))
            {
                total = new CurrencyTotalsDto();
                totals[movement.Currency] = total;
            }

            total.Add(movement.Kind, movement.Amount);
        }

        return new TruthDto(paymentIntents, refundRows, movementRows, byKey, byChargeId, totals, disputes, balance.Snapshot(), payoutRows, byPayoutId);
    }

    private static MovementCountsDto Counts(SortedDictionary<string, MovementCountsDto> counts, string key)
    {
        if (!counts.TryGetValue(key, out var value))
        {
            value = new MovementCountsDto();
            counts[key] = value;
        }

        return value;
    }
}
